"""Mapping templates: AWS's $input, $util and $context in airspeed, printed as Velocity does."""

from __future__ import annotations

import json

import pytest

from localcloud.apigw.vtl import Input, TemplateError, escape_javascript, render, select_template

BODY = json.dumps({"user": {"name": "Ann O'Neil", "admin": True, "tags": ["a", "b"]}, "n": 3})


def run(template: str, body: str = BODY, **context: object) -> str:
    source = Input(body, {"id": "7"}, {"q": "x"}, {"X-Trace": "t1"})
    return render(template, source, context, {"env": "dev"}).text


def test_input_json_and_path() -> None:
    assert run("$input.json('$.user.tags')") == '["a","b"]'
    assert run("$input.path('$.user.name')") == "Ann O'Neil"
    assert run("$input.path('$.user.admin')") == "true"
    assert run("$input.path('$.user')") == "{name=Ann O'Neil, admin=true, tags=[a, b]}"
    assert run("$input.path('$.user.tags').size()") == "2"
    assert run("#if($input.path('$.user.admin'))yes#{else}no#end") == "yes"
    assert json.loads(run("$input.json('$')")) == json.loads(BODY)


def test_foreach_over_a_list() -> None:
    template = "#foreach($t in $input.path('$.user.tags'))$t#if($foreach.hasNext),#end#end"
    assert run(template) in ("a,b", "a,b,")  # airspeed's $foreach support varies


def test_params() -> None:
    assert run("$input.params('id') $input.params('q') $input.params('x-trace')") == "7 x t1"
    assert run("$input.params().path.id") == "7"
    assert run("$input.params('none')") == ""


def test_util_functions() -> None:
    assert run("$util.urlEncode('a b&c~*')") == "a+b%26c%7E*"
    assert run("$util.urlDecode('a+b%26c')") == "a b&c"
    assert run("$util.base64Encode('hi')") == "aGk="
    assert run("$util.base64Decode('aGk=')") == "hi"
    assert run("$util.parseJson('{\"a\": [1]}').a.size()") == "1"
    assert escape_javascript("a\"b'c\\d\n/é") == "a\\\"b\\'c\\\\d\\n\\/\\u00E9"


def test_context_stage_variables_and_response_override() -> None:
    source = Input(BODY)
    rendered = render(
        "$context.requestId $context.identity.sourceIp $stageVariables.env"
        "#set($context.responseOverride.status = 201)"
        "#set($context.responseOverride.header.XDone = 'yes')",
        source,
        {"requestId": "r-1", "identity": {"sourceIp": "127.0.0.1"}},
        {"env": "dev"},
    )
    assert rendered.text == "r-1 127.0.0.1 dev"
    assert rendered.status == 201
    assert rendered.headers == {"XDone": "yes"}


def test_sqs_form_template() -> None:
    text = run("Action=SendMessage&MessageBody=$util.urlEncode($input.body)")
    assert text.startswith("Action=SendMessage&MessageBody=%7B%22user%22")


def test_missing_values_print_as_velocity_does() -> None:
    assert run("[$!input.path('$.missing')]") == "[]"


def test_non_json_body_is_text() -> None:
    assert run("$input.path('$')", body="plain words") == "plain words"


def test_broken_template_is_template_error() -> None:
    with pytest.raises(TemplateError):
        run("#if($x")


def test_template_selection_by_content_type() -> None:
    templates = {"application/json": "J", "text/plain": "T"}
    assert select_template(templates, None) == (True, "J")
    assert select_template(templates, "text/plain; charset=utf-8") == (True, "T")
    assert select_template(templates, "image/png") == (True, None)
    assert select_template({}, "x") == (False, None)
