#!/usr/bin/env python3
"""Validates a FollowTheMoney JSON-lines file with the followthemoney package
and prints the number of entities per schema as JSON on stdout.

Checks every entity, beyond `ftm validate` (which cleans silently and exits 0):
the id has FtM's entity-id syntax and is unique; the schema exists and is not
abstract; every required property is present and non-empty (Schema.validate
does not flag one that is absent); no property is outside the schema; every
value is a string in a list; Schema.validate passes; every entity reference
points at an entity in the file whose schema is in the property's range.
Exit status 1 with one line per problem (file:line: id: problem)."""
import json
import re
import sys

from followthemoney import model
from followthemoney.types import registry

ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")


def main(path):
    problems, counts, schemas, refs = [], {}, {}, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"{path}:{n}"
            try:
                e = json.loads(line)
            except ValueError as err:
                problems.append(f"{where}: not JSON: {err}")
                continue
            eid, name, props = e.get("id"), e.get("schema"), e.get("properties")
            where = f"{where}: {eid}"
            if not isinstance(eid, str) or not ID.match(eid):
                problems.append(f"{where}: id is not an FtM entity id")
            elif eid in schemas:
                problems.append(f"{where}: id used twice")
            schema = model.get(name) if isinstance(name, str) else None
            if schema is None or schema.abstract:
                problems.append(f"{where}: schema {name!r} does not exist or is abstract")
                continue
            schemas[eid] = schema
            counts[schema.name] = counts.get(schema.name, 0) + 1
            if not isinstance(props, dict):
                problems.append(f"{where}: properties is not an object")
                continue
            for req in sorted(schema.required):
                if not props.get(req):
                    problems.append(f"{where}: required property {req} missing or empty")
            for key, values in props.items():
                prop = schema.get(key)
                if prop is None:
                    problems.append(f"{where}: {key} is not a property of {schema.name}")
                    continue
                if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                    problems.append(f"{where}: {key} is not a non-empty list of strings")
                    continue
                if prop.type == registry.entity:
                    refs.extend((where, key, v, prop.range) for v in values)
            try:
                schema.validate(e)
            except Exception as err:  # InvalidData carries the per-property errors
                problems.append(f"{where}: Schema.validate: {err} {getattr(err, 'errors', '')}")
    for where, key, target, rng in refs:
        got = schemas.get(target)
        if got is None:
            problems.append(f"{where}: {key} points at {target}, which is not in the file")
        elif rng is not None and not got.is_a(rng):
            problems.append(f"{where}: {key} points at a {got.name}, not a {rng.name}")
    for p in problems:
        print(p, file=sys.stderr)
    print(json.dumps(counts, sort_keys=True))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ftm_validate.py FILE.jsonl")
    sys.exit(main(sys.argv[1]))
