"""Validates ECS CLI inputs against the ECS API's own service model, offline.

botocore (PyPI) carries the model AWS publishes for ECS and the ParamValidator every boto3 and
AWS CLI call runs before it sends a request: unknown keys, wrong types, missing required
members and values below a minimum are errors there. Usage:
    python ecs-model.py OPERATION=FILE ...   (OPERATION: RegisterTaskDefinition, CreateService, RunTask)
Prints one JSON document: {"botocore": version, "results": {FILE: [error lines]}}.
"""

import json
import sys

import botocore
import botocore.session
from botocore.validate import ParamValidator


def main(args):
    model = botocore.session.get_session().get_service_model("ecs")
    validator = ParamValidator()
    results = {}
    for arg in args:
        operation, _, path = arg.partition("=")
        with open(path, encoding="utf-8") as handle:
            params = json.load(handle)
        shape = model.operation_model(operation).input_shape
        report = validator.validate(params, shape)
        results[path] = report.generate_report().splitlines() if report.has_errors() else []
    json.dump({"botocore": botocore.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
