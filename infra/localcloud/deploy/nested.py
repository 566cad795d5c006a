"""Nested applications and stacks: where their templates are, checked before SAM expands them.

``AWS::Serverless::Application`` (and the ``AWS::CloudFormation::Stack`` it becomes) is deployed
as a stack of its own from a template file of the project; ``Location`` / ``TemplateURL`` are
made absolute here, relative to the template's folder. An application from the Serverless
Application Repository, or a template at an S3 or HTTPS URL, is refused before the SAM
translator would call AWS to fetch it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from localcloud.deploy.errors import TemplateError

_LOCATIONS = {
    "AWS::Serverless::Application": "Location",
    "AWS::CloudFormation::Stack": "TemplateURL",
}


def localise_nested_templates(template: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A copy of ``template`` whose nested templates are absolute local paths; others raise."""
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not any(
        isinstance(r, dict) and r.get("Type") in _LOCATIONS for r in resources.values()
    ):
        return template
    template = copy.deepcopy(template)
    for logical_id, resource in template["Resources"].items():
        prop = _LOCATIONS.get(str(resource.get("Type"))) if isinstance(resource, dict) else None
        if prop is None:
            continue
        properties = resource.setdefault("Properties", {})
        location = properties.get(prop)
        if isinstance(location, dict) and "ApplicationId" in location:
            raise TemplateError(
                f"resource {logical_id!r} is an application of the Serverless Application "
                f"Repository ({location.get('ApplicationId')}); the local cloud does not fetch "
                "applications from AWS: put the application's template in the project and set "
                "Location to its path"
            )
        if not isinstance(location, str) or not location:
            raise TemplateError(
                f"resource {logical_id!r}: {prop} must be the path of a template file "
                f"(got {location!r})"
            )
        if location.startswith(("s3://", "https://", "http://")):
            raise TemplateError(
                f"resource {logical_id!r}: {prop} {location!r} is a URL; the local cloud deploys "
                "nested templates from the project's files: set it to the template's path"
            )
        path = (base_dir / location).resolve()
        if not path.is_file():
            raise TemplateError(
                f"resource {logical_id!r}: {prop} {location!r} points to {path}, which is not a "
                f"file (paths are relative to the template folder {base_dir})"
            )
        properties[prop] = str(path)
    return template
