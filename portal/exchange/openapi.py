"""OpenAPI 3.1 description of API v1: the public listings read endpoints and the exchanges' token
endpoints. A static document; enumerations come from the models so they cannot drift."""

from __future__ import annotations

import copy

from portal.listings.search import SORTS
from portal.models import FIELDS, FORWARD_STATUSES, FORWARD_TRANSITIONS, MODES
from portal.rules import PATENT_KINDS

_STRING_OR_NULL = {"type": ["string", "null"]}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
_ENGLISH_TITLE = {"type": ["string", "null"], "description": "English title; null when none was given."}
_ENGLISH_ABSTRACT = {"type": ["string", "null"], "description": "English abstract; null when none was given."}


def _json(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _error(description: str) -> dict:
    return {"description": description, "content": _json("Error")}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_LISTING_PARAMETERS = [
    _query("centre", "Code of the publishing centre (see /centres/<code>).", {"type": "string"}),
    _query("field", "Technical field.", {"type": "string", "enum": list(FIELDS)}),
    _query("kind", "Patent kind.", {"type": "string", "enum": list(PATENT_KINDS)}),
    _query("mode", "Mode offered; `open` means listings under an open licence.",
           {"type": "string", "enum": [*MODES, "open"]}),
    _query("open", "1, true or yes: only listings with an open licence in force.",
           {"type": "string", "enum": ["1", "true", "yes", "0", ""]}),
    _query("ipc", "IPC subclass, such as A61B.", {"type": "string", "pattern": "^[A-Ha-h][0-9]{2}[A-Za-z]$"}),
    _query("value", "high: only listings offering a high-value patent (all five value scores given, their mean "
           "at least the programme's threshold).", {"type": "string", "enum": ["high", ""]}),
    _query("q", "Full-text query (Chinese-aware). With q the answer is ranked and adds facets and a suggestion.",
           {"type": "string", "maxLength": 500}),
    _query("as_typed", "1: answer q as typed, never for its corrected spelling.",
           {"type": "string", "enum": ["1", "0", ""]}),
    _query("sort", "Order of a full-text search.", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _query("per_page", "Listings per page (at most 100).",
           {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
]

_FORWARD_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"},
               "description": "The forward's id (the `id` of a feed item)."}

_SCHEMAS: dict = {
    "DossierDocument": {
        "type": "object",
        "required": ["id", "filename", "content_type", "size", "sha256", "url"],
        "properties": {
            "id": {"type": "integer"}, "filename": {"type": "string"},
            "content_type": {"type": "string", "examples": ["application/pdf"]},
            "size": {"type": "integer", "description": "Bytes."}, "sha256": {"type": "string"},
            "source": {"type": "string", "enum": ["deal", "listing"],
                       "description": "What the document is attached to."},
            "uploaded_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri",
                    "description": "Download with the same bearer token."},
        },
    },
    "Dossier": {"type": "object", "required": ["items"],
                "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/DossierDocument"}}}},
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": {"type": "string", "description": "What was wrong, in the portal's language."},
                       "status": {"type": "integer"}},
    },
    "OpenLicence": {
        "type": ["object", "null"],
        "properties": {
            "fee_method": {"type": "string", "enum": ["lump_sum", "royalty_sales", "royalty_profit",
                                                      "entry_plus_royalty"]},
            "fee_amount_yuan": _STRING_OR_NULL, "royalty_rate_pct": _STRING_OR_NULL,
            "term_end": {"type": "string", "format": "date"}, "announced_on": {"type": "string", "format": "date"},
            "cnipa_reference": _STRING_OR_NULL,
        },
    },
    "Patent": {
        "type": "object",
        "properties": {
            "application_number": {"type": "string", "examples": ["201910012345.6"]},
            "patent_number": _STRING_OR_NULL,
            "kind": {"type": "string", "enum": list(PATENT_KINDS)},
            "title": {"type": "string"}, "abstract": _STRING_OR_NULL,
            "title_en": _ENGLISH_TITLE, "abstract_en": _ENGLISH_ABSTRACT,
            "legal_status": {"type": "string", "enum": ["valid", "lapsed", "pending"]},
            "filing_date": {"type": "string", "format": "date"}, "grant_date": _DATE_OR_NULL,
            "expiry": {"type": "string", "format": "date"},
            "ipc": {"type": "array", "items": {"type": "string"}},
            "inventors": _STRING_OR_NULL, "patentee": _STRING_OR_NULL,
            "values": {"type": "object", "additionalProperties": {"type": ["integer", "null"]}},
            "open_licence": {"$ref": "#/components/schemas/OpenLicence"},
        },
    },
    "Listing": {
        "type": "object",
        "required": ["id", "url", "title", "centre", "modes", "patents"],
        "properties": {
            "id": {"type": "integer"}, "url": {"type": "string", "format": "uri"}, "title": {"type": "string"},
            "title_en": _ENGLISH_TITLE, "abstract_en": _ENGLISH_ABSTRACT,
            "centre": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                                        "name_en": _STRING_OR_NULL}},
            "modes": {"type": "array", "items": {"type": "string", "enum": list(MODES)}},
            "open_licence": {"type": "boolean"},
            "field": {"type": "string", "enum": list(FIELDS)},
            "maturity": _STRING_OR_NULL,
            "price_yuan": {"type": ["string", "null"], "description": "Decimal as a string; null when negotiable."},
            "negotiable": {"type": "boolean"},
            "scenarios": {"type": "string"}, "advantages": {"type": "string"},
            "published_at": {"type": ["string", "null"], "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "application_numbers": {"type": "array", "items": {"type": "string"}},
            "patents": {"type": "array", "items": {"$ref": "#/components/schemas/Patent"}},
            "highlight": {"type": "string", "description": "Only with q: the matching passage."},
        },
    },
    "ListingPage": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Listing"}},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
            "pages": {"type": "integer"},
            "facets": {"type": "object", "description": "Only with q: counts per facet value.",
                       "additionalProperties": {"type": "array", "items": {
                           "type": "object", "properties": {"value": {"type": "string"},
                                                            "count": {"type": "integer"}}}}},
            "suggestion": {"type": ["string", "null"], "description": "Only with q: “did you mean”."},
            "corrected": {"type": ["string", "null"],
                          "description": "Only with q: the spelling answered instead, when no listing held every "
                                         "typed word and listings hold every word of the suggestion."},
        },
    },
    "ForwardStatus": {
        "type": "string",
        "enum": list(FORWARD_STATUSES),
        "description": "forwarded → received → listed (挂牌) / announced (公示) → concluded; returned (with a "
                       "reason) from any open status. Allowed steps: "
                       + "; ".join(f"{k} → {', '.join(v) or '(final)'}" for k, v in FORWARD_TRANSITIONS.items()),
    },
    "Forward": {
        "type": "object",
        "required": ["id", "type", "status", "allowed_statuses", "centre"],
        "properties": {
            "id": {"type": "integer", "description": "The forward's id: use it in the status endpoint."},
            "type": {"type": "string", "enum": ["deal", "listing"]},
            "status": {"$ref": "#/components/schemas/ForwardStatus"},
            "allowed_statuses": {"type": "array", "items": {"$ref": "#/components/schemas/ForwardStatus"}},
            "reference": {"type": ["string", "null"], "description": "The exchange's own reference number."},
            "return_reason": _STRING_OR_NULL,
            "note": {"type": "string", "description": "The centre's note to the exchange."},
            "forwarded_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "cursor": {"type": "integer", "description": "Id of the forward's latest change (feed only)."},
            "documents_url": {"type": "string", "format": "uri",
                              "description": "The forward's dossier: the documents the centre chose for the exchange."},
            "centre": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
            "deal": {
                "type": ["object", "null"],
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"type": "string", "enum": ["licence", "assignment", "equity"]},
                    "mode": {"type": "string", "enum": ["exclusive", "sole", "ordinary", "open", "assignment",
                                                        "equity"]},
                    "licensor": {"type": "object", "properties": {"code": {"type": "string"},
                                                                  "name": {"type": "string"}}},
                    "licensee": {"type": "object", "properties": {"name": {"type": "string"},
                                                                  "credit_code": _STRING_OR_NULL}},
                    "application_numbers": {"type": "array", "items": {"type": "string"}},
                    "contract_amount_yuan": {"type": "string", "description": "Decimal as a string."},
                    "effective_date": {"type": "string", "format": "date"},
                    "term_end": _DATE_OR_NULL, "signed_date": _DATE_OR_NULL,
                },
            },
            "listing": {
                "type": ["object", "null"],
                "properties": {
                    "id": {"type": "integer"}, "title": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "modes": {"type": "array", "items": {"type": "string", "enum": list(MODES)}},
                    "price_yuan": _STRING_OR_NULL,
                    "application_numbers": {"type": "array", "items": {"type": "string"}},
                    "status": {"type": "string"},
                },
            },
        },
    },
    "ForwardPage": {
        "type": "object",
        "required": ["items", "next_cursor", "has_more"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Forward"}},
            "next_cursor": {"type": "integer", "description": "Pass as `since` in the next call."},
            "has_more": {"type": "boolean", "description": "More changes are waiting: call again at once."},
        },
    },
    "StatusReport": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"$ref": "#/components/schemas/ForwardStatus"},
            "reason": {"type": ["string", "null"], "maxLength": 1000,
                       "description": "Required when returning; a remark otherwise."},
            "reference": {"type": ["string", "null"], "maxLength": 100,
                          "description": "The exchange's own reference number (optional)."},
        },
    },
}

_DOCUMENT: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "Shanghai Medical Patent Licensing Portal API",
        "version": "1",
        "description": "Public read access to published listings, and the token API through which the "
                       "exchange bases (上海技术交易所 `stex`, 上海知识产权交易中心 `sipe`) receive forwarded deals "
                       "and listings and report their on-exchange status.",
    },
    "servers": [{"url": "/api/v1"}],
    "tags": [{"name": "listings", "description": "Published listings (no authentication)."},
             {"name": "exchange", "description": "For the exchanges' systems (bearer token)."}],
    "paths": {
        "/listings": {
            "get": {
                "tags": ["listings"], "operationId": "listListings", "summary": "Published listings, newest first",
                "parameters": _LISTING_PARAMETERS,
                "responses": {
                    "200": {"description": "A page of listings.",
                            "content": _json("ListingPage")},
                    "400": _error("An unknown filter value."),
                },
            },
        },
        "/listings/{id}": {
            "get": {
                "tags": ["listings"], "operationId": "getListing", "summary": "One published listing",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "The listing.",
                            "content": _json("Listing")},
                    "404": _error("No such published listing."),
                },
            },
        },
        "/exchange/deals": {
            "get": {
                "tags": ["exchange"], "operationId": "changedForwards",
                "summary": "Deals and listings forwarded to this exchange, changed after a cursor",
                "description": "Each forward appears once, in its current state, ordered by its latest change. "
                               "Start with since=0 and keep next_cursor for the next call; while has_more is "
                               "true, call again at once.",
                "security": [{"exchangeToken": []}],
                "parameters": [
                    _query("since", "The next_cursor of the previous call (0 for everything).",
                           {"type": "integer", "minimum": 0, "default": 0}),
                    _query("limit", "Forwards per call.", {"type": "integer", "minimum": 1, "maximum": 500,
                                                           "default": 100}),
                ],
                "responses": {
                    "200": {"description": "Forwards changed after the cursor.",
                            "content": _json("ForwardPage")},
                    "400": _error("since or limit is not a valid number."),
                    "401": _error("No token, or an unknown or revoked one."),
                    "429": _error("Too many requests."),
                },
            },
        },
        "/exchange/deals/{id}/documents": {
            "get": {
                "tags": ["exchange"], "operationId": "forwardDossier",
                "summary": "The documents the centre put in a forward's dossier",
                "description": "Each item's url downloads the file with the same token. The list changes when "
                               "the centre edits the dossier; a sha256 lets the exchange check what it fetched.",
                "security": [{"exchangeToken": []}],
                "parameters": [_FORWARD_ID],
                "responses": {
                    "200": {"description": "The dossier.", "content": _json("Dossier")},
                    "401": _error("No token, or an unknown or revoked one."),
                    "404": _error("No such forward to this exchange."),
                    "429": _error("Too many requests."),
                },
            },
        },
        "/exchange/deals/{id}/documents/{document_id}": {
            "get": {
                "tags": ["exchange"], "operationId": "forwardDossierDocument",
                "summary": "Download one document of a forward's dossier",
                "security": [{"exchangeToken": []}],
                "parameters": [_FORWARD_ID, {"name": "document_id", "in": "path", "required": True,
                                             "description": "The document's id (from the dossier list).",
                                             "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "The file, as an attachment (Content-Disposition with its name).",
                            "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                "contentEncoding": "binary"}}}},
                    "401": _error("No token, or an unknown or revoked one."),
                    "404": _error("No such document in this forward's dossier."),
                    "429": _error("Too many requests."),
                },
            },
        },
        "/exchange/deals/{id}/status": {
            "post": {
                "tags": ["exchange"], "operationId": "reportStatus",
                "summary": "Report a step of a forward",
                "security": [{"exchangeToken": []}],
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "description": "The forward's id (the `id` of a feed item).",
                                "schema": {"type": "integer"}}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/StatusReport"},
                    "examples": {"returned": {"value": {"status": "returned", "reason": "材料不全",
                                                        "reference": None}},
                                 "concluded": {"value": {"status": "concluded", "reference": "STEX-2025-0042"}}},
                }}},
                "responses": {
                    "200": {"description": "The forward after the step.",
                            "content": _json("Forward")},
                    "400": _error("Not JSON, an unknown status, a step not allowed from the current status, or "
                                  "returned without a reason."),
                    "401": _error("No token, or an unknown or revoked one."),
                    "404": _error("No such forward to this exchange."),
                    "429": _error("Too many requests."),
                },
            },
        },
    },
    "components": {
        "schemas": _SCHEMAS,
        "securitySchemes": {
            "exchangeToken": {"type": "http", "scheme": "bearer",
                              "description": "A token issued to one exchange by the site administrators."},
        },
    },
}


def openapi_document(server_url: str | None = None) -> dict:
    """The description, with the absolute server address when known."""
    document = copy.deepcopy(_DOCUMENT)
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document
