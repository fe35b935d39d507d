"""The JSON API (django-ninja) under ``/api/``: OpenAPI schema at ``/api/openapi.json``, docs at
``/api/docs``. See ``docs/api.md``.

Errors are JSON with a bilingual ``detail``: 401 without valid credentials, 403 outside the
caller's write scope, 404 for records outside their read scope (indistinguishable from missing),
422 for invalid input with every problem listed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from eduplan.intake.validate import model_errors

from .analysis import router as analysis_router
from .auth import AUTH
from .docs import LocalSwagger
from .duties import router as duties_router
from .plans import router as plans_router
from .programmes import router as programmes_router
from .records import router as records_router
from .registry import router as registry_router
from .targets import router as targets_router
from .tasks import router as tasks_router
from .workforce import router as workforce_router

api = NinjaAPI(
    title="eduplan API",
    version="1",
    description=(
        "教育发展行动计划管理平台数据接口。认证: `Authorization: Bearer <令牌>`(`eduplan api-token 用户名` 生成)"
        "或浏览器登录会话。所有数据按用户权限范围过滤。\n\n"
        "eduplan's JSON API. Authenticate with `Authorization: Bearer <token>` (made by "
        "`eduplan api-token USERNAME`) or a browser session. Everything is limited to the caller's scope."
    ),
    auth=AUTH,
    docs=LocalSwagger(),
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权操作 / not permitted"}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": f, "message_zh": zh, "message_en": en} for f, zh, en in model_errors(exc)]
    return api.create_response(request, {"detail": "数据无效 / invalid data", "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Requests the schema refuses get the same error shape as rows the importer refuses."""
    errors = []
    for e in exc.errors:
        loc = [str(x) for x in e.get("loc", ())]
        row = None
        column = loc[-1] if loc else ""
        if "rows" in loc:
            i = loc.index("rows")
            if i + 1 < len(loc) and loc[i + 1].isdigit():
                row = int(loc[i + 1]) + 1
                column = loc[i + 2] if i + 2 < len(loc) else ""
        errors.append(
            {
                "code": "invalid_request",
                "sheet": "",
                "row": row,
                "column": column,
                "label": "",
                "cell": "",
                "value": "",
                "message_zh": "请求不符合接口定义(见 /api/docs)",
                "message_en": f"{'.'.join(loc)}: {e.get('msg', 'invalid')}",
            }
        )
    return api.create_response(
        request,
        {"detail": f"请求无效 / invalid request ({len(errors)})", "batch": None, "errors": errors},
        status=422,
    )


api.add_router("", registry_router)
api.add_router("", records_router)
api.add_router("", analysis_router)
api.add_router("", tasks_router)
api.add_router("", programmes_router)
api.add_router("", workforce_router)
api.add_router("", duties_router)
api.add_router("", plans_router)
api.add_router("", targets_router)
