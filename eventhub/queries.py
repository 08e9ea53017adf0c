"""How the API's lists read their query parameters and narrow their rows, written once."""

from django.db.models import Q, QuerySet


def query_filters(request, serializer_class) -> dict:
    """Return an API list's query parameters as `serializer_class` checks them (400 `invalid` when they are not)."""
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def narrow(queryset: QuerySet, **lookups) -> QuerySet:
    """Filter `queryset` by each lookup that is given (None or an empty string: not given; False is given)."""
    given = {lookup: value for lookup, value in lookups.items() if value is not None and value != ""}
    return queryset.filter(**given) if given else queryset


def search(queryset: QuerySet, term: str | None, *fields: str) -> QuerySet:
    """Keep the rows where any of `fields` contains `term`, in any case (all of them without a term)."""
    term = (term or "").strip()
    if not term:
        return queryset
    matches = Q()
    for field in fields:
        matches |= Q(**{f"{field}__icontains": term})
    return queryset.filter(matches)
