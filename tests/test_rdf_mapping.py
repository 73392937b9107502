"""IR -> RDF: named graphs, IRIs, typed literals, reified facts and relations, vocabulary."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib
from store_fixtures import BASE, attr, doc_source, model_source, paper_source, small_kb

from kg.rdf.mapping import quads_for, vocabulary_quads
from kg.rdf.terms import NS, entity_iri, parse_entity_iri, source_iri
from kg.vocab import MODALITIES

XSD = NS["xsd"]


def kinds_of(sources):
    return {e.id: e.kind for ls in sources for e in ls.parsed.entities}


def ask(store: ox.Store, body: str) -> bool:
    return bool(store.query(f"ASK {{ {body} }}", prefixes=NS, use_default_graph_as_union=True))


def memory_store(quads) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def select(store: ox.Store, body: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    results = store.query(body, prefixes=NS, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: row[n] for n in names} for row in results]


def test_every_quad_of_a_source_is_in_its_own_named_graph():
    ls = model_source()
    quads = quads_for(ls, BASE)
    assert {q.graph_name for q in quads} == {
        ox.NamedNode(f"{BASE}/source/kb/model_cards/brainjepa.yaml")
    }
    assert quads_for(ls, BASE) == quads  # deterministic: same IR, same quads


def test_iris_percent_encode_unsafe_characters_but_keep_path_slashes():
    iri = entity_iri(BASE, "doc", "docs/walk throughs/a#b.md")
    assert iri == f"{BASE}/doc/docs/walk%20throughs/a%23b.md"
    assert parse_entity_iri(BASE, iri) == ("doc", "docs/walk throughs/a#b.md")
    assert parse_entity_iri(BASE, source_iri(BASE, "kb/x.yaml")) is None
    assert parse_entity_iri("https://other.org", iri) is None


def test_entities_get_project_and_standard_types_and_typed_literals():
    sources = small_kb()
    store = memory_store([q for ls in sources for q in quads_for(ls, BASE, kinds_of(sources))])
    rows = select(
        store,
        f"""SELECT DISTINCT ?ctx ?year ?updated ?verified ?repo WHERE {{
            <{BASE}/model/brainjepa> a nokg:Model ; nokg:contextLength ?ctx ;
                nokg:verified ?verified ; schema:codeRepository ?repo .
            ?repo a schema:SoftwareSourceCode .
            <{BASE}/paper/brainjepa_2024> a nokg:Paper, schema:ScholarlyArticle ; dcterms:date ?year .
            <{BASE}/dataset/ukb_fmri> a dcat:Dataset ; dcterms:modified ?updated ;
                skos:altLabel "UKB fMRI" .
        }}""",
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row["ctx"].value, row["ctx"].datatype.value) == ("160", XSD + "integer")
    assert (row["year"].value, row["year"].datatype.value) == ("2024", XSD + "gYear")
    assert row["updated"].datatype.value == XSD + "date"
    assert row["verified"].datatype.value == XSD + "boolean"
    assert row["repo"] == ox.NamedNode("https://github.com/example/x")


def test_every_attribute_is_reified_with_path_raw_value_and_line():
    store = memory_store(quads_for(model_source(), BASE))
    rows = select(
        store,
        """SELECT ?path ?raw ?value ?line ?prop WHERE {
            ?e nokg:fact ?f . ?f nokg:yamlPath ?path ; nokg:raw ?raw ; nokg:line ?line ;
               prov:wasDerivedFrom ?src .
            ?src nokg:path "kb/model_cards/brainjepa.yaml" .
            OPTIONAL { ?f nokg:value ?value } OPTIONAL { ?f nokg:property ?prop }
        } ORDER BY ?line ?path""",
    )
    by_path = {r["path"].value: r for r in rows}
    assert len(by_path) == 11  # every leaf of the card, generic ones included
    generic = by_path["arch.dropout"]
    assert generic["prop"] is None and generic["line"].value == "9"
    assert (generic["value"].value, generic["value"].datatype.value) == ("0.1", XSD + "decimal")
    ctx = by_path["arch.context_length"]
    assert ctx["prop"] == ox.NamedNode(NS["nokg"] + "contextLength") and ctx["raw"].value == "160"


def test_relations_are_direct_triples_and_reified_statements_with_lines():
    sources = small_kb()
    store = memory_store([q for ls in sources for q in quads_for(ls, BASE, kinds_of(sources))])
    rows = select(
        store,
        f"""SELECT ?path ?line ?ref WHERE {{
            <{BASE}/model/brainjepa> nokg:usesDataset <{BASE}/dataset/ukb_fmri> .
            ?st a rdf:Statement ; rdf:subject <{BASE}/model/brainjepa> ;
                rdf:predicate nokg:usesDataset ; rdf:object <{BASE}/dataset/ukb_fmri> ;
                nokg:yamlPath ?path ; nokg:line ?line ; nokg:ref ?ref .
        }}""",
    )
    assert [(r["path"].value, r["line"].value, r["ref"].value) for r in rows] == [
        ("datasets[0]", "20", "ukb_fmri")
    ]
    mention = f"<{BASE}/doc/docs/models/brainjepa.md> schema:mentions <{BASE}/model/brainjepa>"
    assert ask(store, mention)


def test_relation_objects_in_other_files_need_the_kinds_map():
    doc = doc_source(mentions=("brainjepa",))
    with_kinds = memory_store(quads_for(doc, BASE, {"brainjepa": "model"}))
    without = memory_store(quads_for(doc, BASE))
    assert ask(with_kinds, f"?d schema:mentions <{BASE}/model/brainjepa>")
    assert ask(without, f"?d schema:mentions <{BASE}/entity/brainjepa>")
    # the predicate says the kind when the map does not
    plain = memory_store(quads_for(model_source(datasets=("elsewhere",)), BASE))
    assert ask(plain, f"?m nokg:usesDataset <{BASE}/dataset/elsewhere>")


def test_sections_carry_heading_path_text_and_lines():
    store = memory_store(quads_for(doc_source(), BASE))
    rows = select(
        store,
        """SELECT ?s ?hp ?line ?text WHERE {
            ?s a nokg:Section ; dcterms:isPartOf ?doc ; nokg:headingPath ?hp ; nokg:line ?line ;
               nokg:text ?text .
            ?doc a nokg:Document .
        } ORDER BY ?line""",
    )
    assert [r["s"].value for r in rows] == [
        f"{BASE}/doc/docs/models/brainjepa.md#overview",
        f"{BASE}/doc/docs/models/brainjepa.md#training",
    ]
    assert (
        rows[1]["hp"].value == "Brain-JEPA walkthrough > Training" and rows[1]["line"].value == "9"
    )


def test_values_that_do_not_fit_their_type_are_kept_as_strings():
    ls = model_source("odd", "Odd", context_length="128k")
    ls.parsed.attributes += [
        attr("odd", "code_repo", "see paper", "see paper", ls.path, 30, "repo", "uri"),
        attr("odd", "loss", "nan", float("nan"), ls.path, 31, None, "decimal"),
        attr("odd", "year", "circa 2020", "circa 2020", ls.path, 32, "year", "integer"),
    ]
    store = memory_store(quads_for(ls, BASE))
    rows = select(store, "SELECT ?p ?v WHERE { ?f nokg:yamlPath ?p ; nokg:value ?v }")
    values = {r["p"].value: r["v"] for r in rows}
    assert values["arch.context_length"] == ox.Literal("128k")
    assert values["code_repo"] == ox.Literal("see paper")
    assert values["loss"].datatype.value == XSD + "double"
    assert values["year"] == ox.Literal("circa 2020")


def test_vocabulary_is_a_skos_scheme_in_its_own_graph():
    store = memory_store(vocabulary_quads(BASE))
    assert {q.graph_name.value for q in store} == {f"{BASE}/vocab"}
    rows = select(
        store,
        "SELECT ?id ?label WHERE { ?c a skos:Concept ; skos:notation ?id ; skos:prefLabel ?label ; skos:inScheme ?s . ?s a skos:ConceptScheme }",
    )
    assert {r["id"].value: r["label"].value for r in rows} == {
        k: v["label"] for k, v in MODALITIES.items()
    }
    assert ask(store, f'<{BASE}/modality/fmri> skos:altLabel "rs-fmri"')


def test_the_ontology_declares_every_project_term_the_mapping_writes():
    sources = small_kb() + [paper_source("p2")]
    quads = [q for ls in sources for q in quads_for(ls, BASE, kinds_of(sources))]
    used = {q.predicate.value for q in quads} | {
        q.object.value for q in quads if q.predicate.value == NS["rdf"] + "type"
    }
    ontology = rdflib.Graph().parse(Path(__file__).parent.parent / "kg" / "ontology.ttl")
    declared = {str(s) for s in ontology.subjects()}
    missing = sorted(t for t in used if t.startswith(NS["nokg"]) and t not in declared)
    assert missing == []


def test_a_joined_modality_list_asserts_each_concept():
    ls = model_source("multi", "Multi")
    ls.parsed.attributes.append(
        attr("multi", "modalities", "sMRI + fMRI", "smri,fmri", ls.path, 5, "modality")
    )
    store = memory_store(quads_for(ls, BASE))
    rows = select(store, f"SELECT ?m WHERE {{ <{BASE}/model/multi> nokg:hasModality ?m }}")
    assert {r["m"].value.rsplit("/", 1)[1] for r in rows} == {"smri", "fmri"}
    assert ask(store, '?f nokg:yamlPath "modalities" ; nokg:value "smri,fmri"')
