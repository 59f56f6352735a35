"""The competency questions of the foundation issue, each answered exactly on the seed graph.

Expected values are written out by hand from the five articles, not copied from query output.
"""

from __future__ import annotations

from policykg.kg import PolicyGraph

ID = "https://w3id.org/policykg/id/"
LOC = "https://w3id.org/dpv/loc#"
SRC = "https://w3id.org/policykg/source/"
CLAIM = "https://w3id.org/policykg/claim/"
PKG = "https://w3id.org/policykg/ontology#"
S000, S001, S003, S004 = (
    SRC + "000_d336fba75509138b",
    SRC + "001_75629ab7e52d574a",
    SRC + "003_fd6ee3b59ef906d7",
    SRC + "004_0288313a30b2f017",
)


def pairs(rows: object, *cols: str) -> set[tuple[str | None, ...]]:
    return {tuple(r[c] for c in cols) for r in rows}  # type: ignore[attr-defined]


def test_excluded_jurisdictions_per_source(kg: PolicyGraph) -> None:
    rows = kg.query("excluded-jurisdictions")
    assert pairs(rows, "source", "jurisdiction") == {
        (S000, LOC + "EU"), (S000, LOC + "CH"),
        (S001, LOC + "EEA"), (S001, LOC + "CN"), (S001, LOC + "CA"), (S001, LOC + "HK"), (S001, LOC + "CH"),
        (S003, LOC + "EU"), (S003, LOC + "EEA"), (S003, LOC + "CH"),
    }  # fmt: skip
    # 003 reports LinkedIn's own words; 000 and 001 state it themselves.
    assert {r["speaker"] for r in rows if r["source"] == S003} == {ID + "linkedin"}
    assert {r["speaker"] for r in rows if r["source"] != S003} == {None}


def test_disagreement_names_the_sources_on_each_side(kg: PolicyGraph) -> None:
    rows = kg.query("exclusion-disagreements")
    sides: dict[str, tuple[set[str], set[str]]] = {}
    for r in rows:
        named, silent = sides.setdefault(r["jurisdiction"] or "", (set(), set()))
        (named if r["names_it"] == "true" else silent).add(r["source"] or "")
    assert sides == {
        LOC + "EU": ({S000, S003}, {S001}),
        LOC + "EEA": ({S001, S003}, {S000}),
        LOC + "CN": ({S001}, {S000, S003}),
        LOC + "CA": ({S001}, {S000, S003}),
        LOC + "HK": ({S001}, {S000, S003}),
    }  # Switzerland is named by all three: no disagreement.


def test_eu_data_not_used_on_2024_10_01(kg: PolicyGraph) -> None:
    assert (
        kg.query("data-used-on", jurisdiction=LOC + "EU", date="2024-10-01")[0]["used"] == "false"
    )
    rows = kg.query("status-as-of", jurisdiction=LOC + "EU", date="2024-10-01")
    # 000 (18 September 2024) states no period: its exclusions are known from its date on.
    assert pairs(rows, "practice", "status", "claim", "basis") == {
        (ID + "linkedin-genai-training", "excluded", CLAIM + "000/eu-excluded", "reported"),
        (ID + "meta-llama-training", "excluded", CLAIM + "000/meta-stopped-eu", "reported"),
        (ID + "x-grok-training", "excluded", CLAIM + "000/x-stopped-eu", "reported"),
    }  # fmt: skip


def test_a_day_before_any_report_has_no_answer(kg: PolicyGraph) -> None:
    assert kg.query("status-as-of", jurisdiction=LOC + "EU", date="2024-09-17").records == []
    (row,) = kg.query("data-used-on", jurisdiction=LOC + "EU", date="2024-09-17")
    assert (row["used"], row["basis"]) == ("false", "")


def test_eu_data_used_on_2025_11_10(kg: PolicyGraph) -> None:
    (used,) = kg.query("data-used-on", jurisdiction=LOC + "EU", date="2025-11-10")
    assert (used["used"], used["basis"]) == (
        "true",
        "stated from 2025-11-03",
    )  # 004: "vanaf 3 november"
    rows = kg.query("status-as-of", jurisdiction=LOC + "EU", date="2025-11-10")
    assert pairs(rows, "practice", "status", "since", "basis", "source") == {
        (ID + "linkedin-genai-training", "excluded", "2024-09-18", "reported", S000),
        (ID + "linkedin-genai-training-eu", "in scope", "2025-11-03", "stated", S004),
        (ID + "meta-llama-training", "excluded", "2024-09-18", "reported", S000),
        (ID + "x-grok-training", "excluded", "2024-09-18", "reported", S000),
    }  # fmt: skip


def test_a_member_state_follows_the_eu(kg: PolicyGraph) -> None:
    rows = kg.query("status-as-of", jurisdiction=LOC + "NL", date="2025-11-02")
    assert pairs(rows, "practice", "status", "claim") == {
        (ID + "linkedin-genai-training", "excluded", CLAIM + "000/eu-excluded"),
        (ID + "meta-llama-training", "excluded", CLAIM + "000/meta-stopped-eu"),
        (ID + "x-grok-training", "excluded", CLAIM + "000/x-stopped-eu"),
    }  # no claim names the Netherlands: the EU's exclusions cover it
    assert kg.query("data-used-on", jurisdiction=LOC + "NL", date="2025-11-03")[0]["used"] == "true"


def test_corrected_claim_when_and_why(kg: PolicyGraph) -> None:
    (row,) = kg.query("corrections")
    assert row == {
        "claim": CLAIM + "000/openai-recipient",
        "subject": ID + "linkedin-genai-training",
        "predicate": "https://w3id.org/dpv#hasRecipient",
        "object": ID + "openai",
        "source": S000,
        "corrected_on": "2024-09-30",
        "corrected_by": ID + "tweakers",
        "reason": "LinkedIn said the data is not shared with OpenAI.",
        "replacement": CLAIM + "000/openai-not-recipient",
    }


def test_corrected_claim_is_hidden_by_default_and_kept_on_request(kg: PolicyGraph) -> None:
    default = pairs(kg.query("recipients"), "recipient", "relation", "source")
    assert (ID + "openai", "recipient", S000) not in default
    assert (ID + "openai", "not a recipient", S000) in default
    everything = pairs(
        kg.query("recipients", include_corrected="true"), "recipient", "relation", "source"
    )
    assert (ID + "openai", "recipient", S000) in everything


def test_lawsuit_allegations_and_the_answer(kg: PolicyGraph) -> None:
    (suit,) = kg.query("lawsuits")
    # 001 names no court: "voornamelijk in de VS" says where the problem lies, not where it is heard.
    assert (suit["plaintiff"], suit["defendant"], suit["court_jurisdiction"], suit["status"]) == (
        ID + "alessandro-de-la-torre", ID + "linkedin", None, PKG + "CaseFiled",
    )  # fmt: skip
    rows = kg.query("lawsuit-allegations")
    assert pairs(rows, "predicate", "object", "alleged_by", "denied_by", "evidence_exists") == {
        ("https://w3id.org/dpv#hasPersonalData", PKG + "InMailMessage",
         ID + "alessandro-de-la-torre", ID + "linkedin", "false"),
        ("https://w3id.org/dpv#hasRecipientThirdParty", ID + "third-parties",
         ID + "alessandro-de-la-torre", ID + "linkedin", None),
        # ¶5: the subscription agreement promises to keep subscribers' confidential information
        # from third parties; the suit says it is broken. "LinkedIn ontkent de beschuldigingen."
        ("https://w3id.org/dpv#hasPersonalData", PKG + "ConfidentialSubscriberInformation",
         ID + "alessandro-de-la-torre", ID + "linkedin", None),
        (PKG + "breaches", ID + "linkedin-premium-agreement",
         ID + "alessandro-de-la-torre", ID + "linkedin", None),
    }  # fmt: skip


def test_data_categories_in_scope_from_3_november_2025(kg: PolicyGraph) -> None:
    pd = "https://w3id.org/dpv/pd#"
    rows = kg.query("data-categories-in-scope", date="2025-11-03")
    assert {r["category"] for r in rows} == {
        pd + "Profile", pd + "Name", pd + "Picture", pd + "CurrentEmployment", pd + "EmploymentHistory",
        pd + "Education", pd + "Location", PKG + "Skills",
        PKG + "PublicContent", PKG + "Post", PKG + "Article", PKG + "Comment", PKG + "Poll",
    }  # fmt: skip
    assert kg.query("data-categories-in-scope", date="2025-11-02").records == []


def test_who_is_quoted_in_which_role(kg: PolicyGraph) -> None:
    roles = pairs(kg.query("quotes"), "speaker", "role", "organisation")
    assert roles == {
        (ID + "greg-snapper", "spokesman", ID + "linkedin"),
        (ID + "rachel-tobac", "CEO", ID + "socialproofsec"),
        (ID + "mariano-delli-santi", "head of legal and policy", ID + "open-rights-group"),
        (ID + "monique-verdier", "vice-voorzitter", ID + "autoriteit-persoonsgegevens"),
        (ID + "alessandro-de-la-torre", None, None),
        (ID + "linkedin", None, None),
        (ID + "autoriteit-persoonsgegevens", None, None),
        (ID + "404-media", None, None),  # 002 ¶4: "laut 404Media offenbar ..."
    }


def test_ownership_and_investment_chain(kg: PolicyGraph) -> None:
    rows = kg.query("ownership-chains", organisation=ID + "linkedin")
    assert [(r["from"], r["relation"], r["to"]) for r in rows] == [
        (ID + "linkedin", "https://w3id.org/dpv#isSubsidiaryOf", ID + "microsoft"),
        (ID + "microsoft", PKG + "hasStakeIn", ID + "openai"),
    ]


def test_regulator_actions_of_the_dutch_authority(kg: PolicyGraph) -> None:
    rows = [
        r
        for r in kg.query("regulator-actions")
        if r["authority"] == ID + "autoriteit-persoonsgegevens"
    ]
    # 004 gives no date for the actions: they are known from its date, 24 September 2025.
    assert pairs(rows, "type", "date", "basis", "deadline") == {
        (PKG + "PublicWarning", "2025-09-24", "reported", None),
        (PKG + "OptOutAdvice", "2025-09-24", "reported", "2025-11-03"),
        (PKG + "ComplaintsReceived", "2025-09-24", "reported", None),
    }


def test_setting_names_per_language(kg: PolicyGraph) -> None:
    assert pairs(kg.query("settings"), "language", "name") == {
        ("en", "Use my data to train AI models for content creation"),
        ("nl", "Gegevens voor verbetering van generatieve AI"),
    }


def test_sources_with_and_without_dates(kg: PolicyGraph) -> None:
    assert pairs(kg.query("sources"), "identifier", "language", "issued", "comments") == {
        ("000_d336fba75509138b", "nl", "2024-09-18", "18"),
        ("001_75629ab7e52d574a", "nl-BE", "date not stated", None),
        ("002_1823d0ef4fc739b2", "de", "date not stated", None),
        ("003_fd6ee3b59ef906d7", "en", "date not stated", None),
        ("004_0288313a30b2f017", "nl", "2025-09-24", "2"),
    }


def test_comparable_practices_of_meta_and_x(kg: PolicyGraph) -> None:
    rows = kg.query("comparable-practices")
    assert pairs([r for r in rows if r["aspect"] == "model"], "controller", "value") == {
        (ID + "meta", ID + "llama"), (ID + "x", ID + "grok"),
    }  # fmt: skip
    excluded = pairs(
        [r for r in rows if r["aspect"] == "excluded jurisdiction"], "controller", "value"
    )
    assert excluded == {(ID + "meta", LOC + "EU"), (ID + "x", LOC + "EU")}


def test_removing_the_lawsuit_article_loses_its_allegations(kg: PolicyGraph) -> None:
    lost = pairs(kg.query("source-removal-impact", source=S001), "predicate", "object", "stance")
    assert ("https://w3id.org/dpv#hasPersonalData", PKG + "InMailMessage", PKG + "Alleged") in lost
    assert (PKG + "excludesJurisdiction", LOC + "CN", PKG + "Asserted") in lost
    # Switzerland's exclusion is also asserted by 000, so it survives.
    assert (PKG + "excludesJurisdiction", LOC + "CH", PKG + "Asserted") not in lost


def test_ownership_is_corroborated_by_four_sources(kg: PolicyGraph) -> None:
    rows = kg.query("corroborated-claims", min_sources="4")
    assert pairs(rows, "subject", "predicate", "object", "sources") == {
        (ID + "linkedin", "https://w3id.org/dpv#isSubsidiaryOf", ID + "microsoft", "4"),
        (ID + "linkedin-genai-training", "https://w3id.org/dpv#hasEntityInvolvement",
         PKG + "OptOutDefaultOn", "4"),
    }  # fmt: skip
    assert set(rows[0]["source_ids"].split()) == {  # type: ignore[union-attr]
        "000_d336fba75509138b", "001_75629ab7e52d574a", "002_1823d0ef4fc739b2", "003_fd6ee3b59ef906d7",
    }  # fmt: skip
