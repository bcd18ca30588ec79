"""The offline brain writes complete, consistent artefacts from varied briefs (lengths, languages, channels,
templates): every deterministic check passes, the script is in the brief's language and fits its length, the
shots cover every scene and each has a runnable workflow, and the budget adds up."""

from __future__ import annotations

import pytest

from agents import checks
from agents.artefacts import SPOKEN, VRD, Budget, Script, ShotList
from agents.offline import read_brief

from .conftest import BRIEF

BRIEFS = {
    "en_ad": ("ad_spot", BRIEF, "en", 30),
    "nl_social": (
        "social_short",
        "# Stadsfiets Nova\nProduct: Stadsfiets Nova\nDoelgroep: jonge ouders in de stad\nLengte: 45 s\n"
        "Kanaal: Instagram Reels\nDe fiets die je kinderen veilig en droog naar school brengt.\n",
        "nl",
        45,
    ),
    "de_explainer": (
        "explainer",
        "# Steuerklar\nProdukt: Steuerklar\nZielgruppe: Selbstständige und Freiberufler\n"
        "Problem: die Steuererklärung kostet jedes Jahr ein ganzes Wochenende\n"
        "Vorteil: die Steuererklärung in zwanzig Minuten, geprüft von echten Steuerberatern\n"
        "Handlungsaufforderung: Jetzt kostenlos testen auf steuerklar.de\nDauer: 2 min\nBudget: 15.000 EUR\n",
        "de",
        120,
    ),
    "fr_social_short_length": (
        "social_short",
        "# Maison Lumière\nProduit : Maison Lumière\nCible : les jeunes couples qui rénovent leur premier "
        "appartement\nDurée : 15 s\nDes lampes artisanales qui réchauffent votre intérieur pour la vie.\n",
        "fr",
        15,
    ),
    "es_ad_no_keys": (
        "ad_spot",
        "Queremos un anuncio para nuestra app de recetas Cocina Fácil. Es para estudiantes que comparten piso "
        "y no tienen tiempo para cocinar. La app les da recetas de diez minutos con lo que tienen en la nevera.",
        "es",
        30,
    ),
    "en_explainer_long_benefit": (
        "explainer",
        "# LedgerLite\nProduct: LedgerLite\nAudience: small shop owners\nLength: 60\n"
        "Benefit: bookkeeping that files itself, reconciles every card payment overnight and tells you each "
        "morning exactly how much cash you can safely spend without waiting for your accountant\n",
        "en",
        60,
    ),
}


def run_through(productions, template: str, brief: str):
    status = productions.start(template, brief, "p-offline")
    while status.gate:
        assert status.gate["blocking"] == 0, status.gate["action_requests"][0]["args"]["problems"]
        status = productions.decide("p-offline", {"type": "approve"})
    assert status.state == "done"
    return {kind: productions.artefact("p-offline", kind) for kind in status.artefacts}


@pytest.mark.parametrize("case", sorted(BRIEFS))
def test_the_offline_brain_writes_consistent_artefacts(productions, case):
    template, brief, language, length = BRIEFS[case]
    artefacts = run_through(productions, template, brief)
    vrd, script, shots, budget = (artefacts[k] for k in ("vrd", "script", "shot_list", "budget"))
    assert isinstance(vrd, VRD) and isinstance(script, Script)
    assert isinstance(shots, ShotList) and isinstance(budget, Budget)
    assert vrd.language == script.language == language
    assert vrd.length_s == length
    assert script.duration_s == pytest.approx(vrd.length_s, abs=0.05)
    template_data = productions.status("p-offline")
    assert template_data.template == template
    everything = {k: a.model_dump(mode="json") for k, a in artefacts.items()}
    for kind in everything:
        problems = checks.check(kind, everything, productions._template_of("p-offline").model_dump())
        assert not checks.blocking(problems), (kind, problems)
    for scene in script.scenes:
        for line in scene.lines:
            if line.kind in SPOKEN:
                assert line.words / line.duration_s <= checks.READING_SPEED
                assert "{" not in line.text and "}" not in line.text
    assert {shot.scene for shot in shots.shots} == {scene.number for scene in script.scenes}
    assert all(shot.workflow_id and shot.prompt and shot.seed for shot in shots.shots)
    assert vrd.call_to_action in script.to_fountain()
    assert sum(line.amount for line in budget.top_sheet) == pytest.approx(budget.subtotal, abs=0.01)


def test_the_script_speaks_the_brief_s_facts_in_its_language(productions):
    artefacts = run_through(productions, "ad_spot", BRIEFS["es_ad_no_keys"][1])
    fountain = artefacts["script"].to_fountain()
    assert "Cocina" in artefacts["vrd"].product
    assert "LOCUTOR (V.O.)" in fountain
    assert "EXT. CALLE DE LA CIUDAD - MAÑANA" in fountain


def test_a_brief_without_budget_or_deadline_leaves_questions_for_the_reviewer(productions):
    status = productions.start("ad_spot", "# Glowmint\nProduct: Glowmint toothpaste\n", "p-q")
    questions = status.gate["action_requests"][0]["args"]["artefact"]["questions"]
    assert any("budget" in q for q in questions) and any("deadline" in q for q in questions)
    assert status.gate["blocking"] == 0  # questions do not block approval


def test_a_length_outside_the_template_is_clamped_and_asked_about(productions):
    assert read_brief("Product: X\nLength: 5 min\n").get("length") == "5 min"
    status = productions.start("social_short", "# X\nProduct: Xylo\nLength: 5 min\n", "p-long")
    vrd = status.gate["action_requests"][0]["args"]["artefact"]
    assert vrd["length_s"] == 60  # the template's longest
    assert any("5 min" in q and "60" in q for q in vrd["questions"])


def test_previz_keeps_the_scenes_of_the_brief_s_screenplay(productions):
    screenplay = (
        "Title: Night Shift\n\nINT. DINER - NIGHT\n\nA waitress wipes the counter. Rain on the windows.\n\n"
        "MARA\nWe close in ten minutes.\n\nEXT. PARKING LOT - NIGHT\n\nHeadlights sweep across wet asphalt.\n"
    )
    artefacts = run_through(productions, "previz", screenplay)
    script = artefacts["script"]
    assert [scene.heading for scene in script.scenes] == ["INT. DINER - NIGHT", "EXT. PARKING LOT - NIGHT"]
    assert any(line.character == "Mara" and line.kind == "dialogue" for line in script.scenes[0].lines)


def test_a_tight_compute_cap_makes_the_solver_trade_and_say_so(productions):
    status = productions.start("ad_spot", BRIEF, "p-cap", caps={"gpu_minutes": 120})
    while status.gate:
        status = productions.decide("p-cap", {"type": "approve"})
    budget = productions.artefact("p-cap", "budget")
    assert budget.gpu_minutes <= 120
    assert budget.quality < budget.quality_unconstrained
    assert budget.trade_offs[0].startswith("Within the compute cap")
    assert any("instead of" in line for line in budget.trade_offs)


def test_a_hybrid_production_shoots_the_people_live_and_budgets_the_shoot(productions):
    artefacts = run_through(productions, "ad_spot", BRIEF + "Production: hybrid (live action and AI)\n")
    vrd, shots, budget = artefacts["vrd"], artefacts["shot_list"], artefacts["budget"]
    assert vrd.production_mode == "hybrid"
    live = [s for s in shots.shots if s.source == "live_action"]
    generated = [s for s in shots.shots if s.source == "generated"]
    assert live and generated and all(s.workflow_id is None and s.cast for s in live)
    assert sorted(c.shot for c in budget.compute) == sorted(s.number for s in generated)
    lines = {line.category: line.amount for line in budget.top_sheet}
    assert lines["Shooting crew"] > 0 and lines["Talent"] > 0 and lines["Generated shots (compute)"] > 0


def test_previz_without_scene_headings_stops_at_the_script_gate_saying_why(productions):
    status = productions.start(
        "previz", "A story about a lighthouse keeper. No screenplay yet.", "p-noscenes"
    )
    while status.gate and status.gate["gate"] != "script":
        status = productions.decide("p-noscenes", {"type": "approve"})
    assert status.gate["gate"] == "script" and status.gate["blocking"] == 1
    assert "scenes" in status.gate["action_requests"][0]["args"]["problems"][0]["message"]
