#!/usr/bin/env python3
"""Drafts a JSON Schema from sample outputs of one command: every object's keys (required when present
in every sample, no others allowed), every value's types across the samples, arrays' items merged.
Fields documented as null when absent are allowed null wherever they appear. The committed schemas in
docs/schemas/ start from such a draft and are then read and edited by hand.

usage: draft-json-schema.py TITLE SAMPLE.json [SAMPLE.json ...] > docs/schemas/COMMAND.schema.json
"""
import json
import re
import sys

NULLABLE = {"achieved", "costRatio", "decodeBatch", "design", "failingRequestsPerSecond", "final", "gap", "invalid",
            "maxRequestsPerSecond", "objectiveValue", "powerRatio", "predictionErrorPercent", "relaxation", "simulated",
            "slowdown", "staticPlan", "costSavingPercent", "energySavingPercent", "sloMet", "stopped", "throughputRatio", "verification", "leaveOneArchitectureOut"}


def kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# Integers in the samples are integers by nature only for counts; elsewhere (seconds zeroed by
# --no-timings, a whole-dollar cost) a sample's 0 or 38 is a number that happened to be whole.
COUNT = re.compile(r"(count|Count|requests|Requests|completed|dropped|events|[tT]okens|[bB]atch|solves|variables|constraints|"
                   r"preemptions|borrowings|workloadClasses|[cC]onfigurations|[iI]nstances|round|tensorParallel|layers|Heads|gpuCount)$")


def merge(values, name=None, parent=None):
    types = {kind(v) for v in values}
    if "integer" in types and ("number" in types or not (name and COUNT.search(name))):
        types.discard("integer")
        types.add("number")
    if name in NULLABLE or (parent == "relaxation" and name in {"costPerHourUSD", "powerKW"}):
        types.add("null")
    schema = {"type": sorted(types)[0] if len(types) == 1 else sorted(types)}
    objects = [v for v in values if isinstance(v, dict)]
    if objects:
        keys = sorted({k for o in objects for k in o})
        schema["properties"] = {k: merge([o[k] for o in objects if k in o], k, name) for k in keys}
        schema["required"] = [k for k in keys if all(k in o for o in objects)]
        schema["additionalProperties"] = False
    arrays = [v for v in values if isinstance(v, list)]
    elements = [e for a in arrays for e in a]
    if elements:
        schema["items"] = merge(elements, name, parent)
    return schema


title, files = sys.argv[1], sys.argv[2:]
schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title}
schema.update(merge([json.load(open(f)) for f in files]))
json.dump(schema, sys.stdout, indent=2, sort_keys=False)
print()
