"""A small table-top scenario built directly from the model, for the tests of running one."""

from __future__ import annotations

from polling.core.model import Bank, Choice, Scenario, Step, StepKind
from tests.factories import PACE, text

# arrival -> papers; papers: inspect -> inspection -> seize, release -> released (an ending),
# call -> phone_call -> papers again (a loop the room may go round); seize: keep -> seized
# (an ending), return -> the scenario ends at the decision itself.
SCENARIO = Scenario(
    "arrival",
    (
        Step("arrival", StepKind.INJECT, text("A lorry at the crossing", "Un camion au poste"), after=60,
             next="papers"),
        Step(
            "papers",
            StepKind.DECISION,
            text("What do you do?", "Que faites-vous ?"),
            options=(
                Choice("inspect", text("Inspect the load", "Inspecter"), "inspection"),
                Choice("release", text("Let it go", "Laisser partir"), "released"),
                Choice("call", text("Call the museum", "Appeler le musée"), "phone_call"),
            ),
        ),
        Step("phone_call", StepKind.INJECT, text("Nobody answers", "Personne ne répond"), next="papers"),
        Step("inspection", StepKind.INJECT, text("Icons under blankets", "Des icônes"), next="seize"),
        Step(
            "seize",
            StepKind.DECISION,
            text("Seize them?", "Saisir ?"),
            options=(
                Choice("keep", text("Seize", "Saisir"), "seized"),
                Choice("return", text("Give them back", "Rendre")),
            ),
        ),
        Step("released", StepKind.INJECT, text("The lorry is gone", "Le camion est parti")),
        Step("seized", StepKind.INJECT, text("Handed to the experts", "Remis aux experts")),
    ),
)  # fmt: skip


def scenario_bank() -> Bank:
    """A two-language bank with one question and the scenario."""
    return Bank(
        id="exercise",
        title=text("Border exercise", "Exercice"),
        languages=("en", "fr"),
        questions=(PACE,),
        scenario=SCENARIO,
    )
