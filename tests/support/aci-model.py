"""Checks container groups against Azure's own model of them: the azure-mgmt-containerinstance
SDK's ContainerGroup (its REST names and types, generated from Azure's published REST
specification). Reads a JSON list of {"label", "group"} on stdin (the parsed YAML that
`az container create --file` sends), prints a JSON object label -> list of errors.

The SDK's deserializer converts what it knows and drops what it does not, so each group is
deserialized and serialized back: a value it cannot convert to its type is an error, and any
difference between the two (a misspelt key dropped, a "1" turned into 1) is one too.
`apiVersion` is the file's, not the model's: az reads it and sends the rest.
"""

import json
import re
import sys

from azure.mgmt.containerinstance.models import ContainerGroup


def differences(sent, back, at=""):
    if isinstance(sent, dict) and isinstance(back, dict):
        for key in sorted(set(sent) | set(back)):
            if key not in back:
                yield f"{at}.{key}: not in Azure's model (dropped)"
            elif key not in sent:
                continue  # a default the SDK adds
            else:
                yield from differences(sent[key], back[key], f"{at}.{key}")
    elif isinstance(sent, list) and isinstance(back, list) and len(sent) == len(back):
        for i, (a, b) in enumerate(zip(sent, back)):
            yield from differences(a, b, f"{at}[{i}]")
    elif type(sent) is not type(back) and not (isinstance(sent, int) and isinstance(back, float)):
        yield f"{at}: {sent!r} is a {type(sent).__name__}, Azure's model has a {type(back).__name__}"
    elif sent != back:
        yield f"{at}: {sent!r} became {back!r}"


def check(group):
    sent = {k: v for k, v in group.items() if k != "apiVersion"}
    try:
        model = ContainerGroup.deserialize(sent)
    except Exception as error:  # the SDK's DeserializationError, nested once per level
        refused = re.search(r"Data: ([^,\[\]{}]+), (\w+)'", str(error))
        return [f"not a ContainerGroup: {refused.group(1)} is not a {refused.group(2)}" if refused else f"not a ContainerGroup: {error}"]
    return list(differences(sent, model.serialize(keep_readonly=True)))


results = {item["label"]: check(item["group"]) for item in json.load(sys.stdin)}
json.dump(results, sys.stdout)
