"""`example.python.greet`: an Atlas Flow action written in Python.

Reads `{"name": "..."}` and returns `{"greeting": "Hello, <name>!"}` under the
outcome `greeted`. componentize-py generates the `wit_world` package from the
`action` world while it builds the component.
"""

import json

import wit_world
from componentize_py_types import Err
from wit_world.imports import logging, types

INPUT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"name": {"type": "string", "minLength": 1}},
    "required": ["name"],
}

OUTPUT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"greeting": {"type": "string"}},
    "required": ["greeting"],
}


class WitWorld(wit_world.WitWorld):
    """The component's exports: `manifest` and `execute`."""

    def manifest(self) -> types.Manifest:
        return types.Manifest(
            id="example.python.greet",
            name="Greet (Python)",
            description="Greets a person by name.",
            version="0.1.0",
            category=types.Category.UTILITY,
            icon="hand",
            input_schema=json.dumps(INPUT_SCHEMA),
            output_schema=json.dumps(OUTPUT_SCHEMA),
            outcomes=[types.OutcomeSpec(name="greeted", label="Greeted")],
            capabilities=[],
        )

    def execute(self, ctx: types.Context, input_json: str) -> types.Output:
        name = _name_from(input_json)
        logging.log(logging.Level.INFO, f"greeting {name}")
        greeting = {"greeting": f"Hello, {name}!"}
        return types.Output(outcome="greeted", data_json=json.dumps(greeting))


def _name_from(input_json: str) -> str:
    """The `name` field of the input, or an invalid-input error."""
    try:
        document = json.loads(input_json)
    except json.JSONDecodeError as error:
        raise Err(types.ActionError_InvalidInput(f"input is not JSON: {error}"))
    name = document.get("name") if isinstance(document, dict) else None
    if not isinstance(name, str) or not name:
        raise Err(types.ActionError_InvalidInput("`name` is required: a non-empty string"))
    return name
