"""The SPARQL endpoint: the real Oxigraph server behind `msc-graph serve`, a real client
(SPARQLWrapper), and the remote backend giving the same answers as the embedded store."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sparql_servers import normalise, oxigraph_server

import msc_graph
from msc_graph.errors import QueryError

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="module")
def endpoint():
    with oxigraph_server(timeout=2) as url:
        yield url


@pytest.fixture(scope="module")
def local():
    return msc_graph.load(corpus=CORPUS if CORPUS.is_dir() else None)


@pytest.fixture(scope="module")
def remote(endpoint):
    return msc_graph.load(endpoint=endpoint, corpus=CORPUS if CORPUS.is_dir() else None)


def test_sparqlwrapper_gets_the_same_claims_as_the_library(endpoint, local):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(
        "PREFIX msc: <https://w3id.org/msc-graph/> SELECT ?id WHERE { ?a a msc:Assertion ; msc:claimId ?id }"
    )
    client.setReturnFormat(JSON)
    ids = {b["id"]["value"] for b in client.query().convert()["results"]["bindings"]}
    assert ids == {r["claim"] for r in local.claims()}


@pytest.mark.parametrize(
    "accept,marker",
    [
        ("application/sparql-results+json", '"bindings"'),
        ("application/sparql-results+xml", "<sparql"),
        ("text/csv", "n\r\n"),
        ("text/tab-separated-values", "?n"),
    ],
)
def test_select_result_formats(endpoint, accept, marker):
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    request = urllib.request.Request(f"{endpoint}?{query}", headers={"Accept": accept})  # GET
    with urllib.request.urlopen(request, timeout=10) as response:
        assert marker in response.read().decode()


@pytest.mark.parametrize("accept,marker", [("text/turtle", "msc-graph"), ("application/ld+json", "@id")])
def test_construct_formats(endpoint, accept, marker):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/msc-graph/Document> ; ?p ?o }"
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # POST
        assert marker in response.read().decode()


def test_updates_are_refused(endpoint):
    from SPARQLWrapper import POST, SPARQLWrapper

    client = SPARQLWrapper(endpoint.replace("/query", "/update"))
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises(Exception):  # noqa: B017 - SPARQLWrapper raises its own HTTP error types
        client.query()
    with pytest.raises(QueryError, match="refused"):
        msc_graph.load(endpoint=endpoint).query("DELETE WHERE { ?s ?p ?o }")


def test_a_truncated_answer_is_never_taken_as_complete():
    from msc_graph.sparql.remote import parse_results

    # the exact body the Oxigraph server 0.5 sent (HTTP 200) when it cancelled a query at its timeout
    body = b'{"head":{"vars":["a"]},"results":{"bindings":[The SPARQL operation has been cancelled'
    with pytest.raises(QueryError, match="incomplete answer"):
        parse_results(body)


def test_the_clients_timeout_bounds_a_query_with_a_clear_error():
    # its own server with a long timeout, so the client's 3 s are the bound here (the server's own bound,
    # --timeout plus a second, is tested in test_endpoint_hardening.py)
    with oxigraph_server(timeout=20) as url:
        aggregate = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        with pytest.raises(QueryError, match="did not finish within 3 s"):
            msc_graph.load(endpoint=url, timeout=3).query(aggregate)


def test_every_named_query_gives_the_same_answer(local, remote):
    from helpers import params_for

    for name in local.queries():
        params = params_for(local, name)
        assert normalise(local.query(name, limit=None, **params).rows) == normalise(
            remote.query(name, limit=None, **params).rows
        ), name


@pytest.mark.parametrize(
    "source,condition", [("umbilical cord", "multiple sclerosis"), ("bone marrow", "knee osteoarthritis")]
)
def test_explain_gives_the_same_answer_from_the_endpoint(local, remote, source, condition):
    a, b = local.explain(source, condition), remote.explain(source, condition)
    assert a.to_dict() == b.to_dict() and a.chains


def test_remote_explain_fetches_only_the_corridor(remote, local):
    from msc_graph.explain import Rules
    from msc_graph.explain.access import BoundedAccess
    from msc_graph.explain.question import ask, starts

    access = BoundedAccess(remote, Rules(remote.ontology))
    question = ask(remote.ontology, "umbilical cord", "multiple sclerosis", max_length=2)
    part = access.neighbourhood(question, starts(remote.ontology, question, []))
    assert 0 < part.number_of_edges() < local.network().number_of_edges()
    assert "network" not in remote._cache


def test_cli_against_the_endpoint(endpoint):
    from helpers import run_cli

    result = run_cli(
        None, "claims", "--document", "003", "--modality", "negated", "--endpoint", endpoint, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert {r["claim"] for r in json.loads(result.stdout)} >= {"d003-c017"}


def test_bounded_concurrent_load_has_no_errors(endpoint):
    query = urllib.parse.urlencode(
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/msc-graph/Assertion> }"}
    )

    def client(_):
        errors = 0
        for _ in range(25):
            try:
                with urllib.request.urlopen(f"{endpoint}?{query}", timeout=10) as r:
                    json.loads(r.read())
            except (urllib.error.URLError, ValueError):
                errors += 1
        return errors

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(client, range(4))) == 0


def test_unreachable_endpoint_is_a_clear_error():
    from sparql_servers import free_port

    with pytest.raises(QueryError, match="cannot reach"):
        msc_graph.load(endpoint=f"http://127.0.0.1:{free_port()}/query").query("claims")
