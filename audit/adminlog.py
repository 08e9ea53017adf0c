"""Admin pages that write the audit log for every add, change and delete they make (inlines included)."""

from . import services


# What the log calls an object of a model, where it is not the model's name.
KINDS = {"eventmember": "team", "scannerdevice": "device"}


def kind(model) -> str:
    """Return the first word of a model's audit actions: `event`, `ticket`, `team`, …"""
    return KINDS.get(model._meta.model_name, model._meta.model_name)


class AuditedAdmin:
    """Mix into a ModelAdmin: its saves and deletes are recorded as `<kind>.add|change|delete`."""

    def _kind(self, model) -> str:
        return kind(model)

    def save_model(self, request, obj, form, change):
        changes = services.form_changes(form)
        super().save_model(request, obj, form, change)
        if changes or not change:
            services.record(request, f"{self._kind(obj.__class__)}.{'change' if change else 'add'}", obj, changes)

    def delete_model(self, request, obj):
        services.record(request, f"{self._kind(obj.__class__)}.delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record(request, f"{self._kind(obj.__class__)}.delete", obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            services.record(request, f"{self._kind(obj.__class__)}.add", obj, _fields(obj, formset, None))
        for obj, fields in getattr(formset, "changed_objects", []):
            services.record(request, f"{self._kind(obj.__class__)}.change", obj, _fields(obj, formset, fields))
        for obj in getattr(formset, "deleted_objects", []):
            services.record(request, f"{self._kind(obj.__class__)}.delete", obj)


def _fields(obj, formset, names) -> dict:
    """Return `{field: [before, after]}` of an inline's form for `obj` (`names`: the changed fields, or all)."""
    for form in formset.forms:
        if form.instance is obj:
            return services.form_changes(form) if names is None else {
                name: value for name, value in services.form_changes(form).items() if name in names
            }
    return {}
