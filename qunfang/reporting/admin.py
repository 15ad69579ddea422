"""The data sets reported everywhere (the epidemic's daily report) are the operator's: added, changed
and taken out of use here. A bureau's own data sets are defined on its pages."""

from django.contrib import admin

from qunfang.reporting.models import DataField, DataSet, Rule


class FieldInline(admin.TabularInline):
    model = DataField
    extra = 1


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 1


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "periodicity", "deadline_hour", "owner", "active"]
    list_filter = ["level", "periodicity", "active"]
    raw_id_fields = ["owner"]
    inlines = [FieldInline, RuleInline]
