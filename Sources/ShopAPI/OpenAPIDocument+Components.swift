/// The `components` of the OpenAPI document: the schemas of every body (each limit taken from the
/// validating code's own constants), the error responses, the headers and the security schemes. Pure.
extension OpenAPIDocument {
    /// Text: a non-empty line of at most `FieldValue.maximumTextLength` characters with a character other
    /// than a space and no control character; a number is accepted and stored as its text.
    static let textSchemas = #"""
        "Text": {
          "description": "A non-empty line of text: at most \#(FieldValue.maximumTextLength) characters (grapheme clusters), not only spaces, no control characters. A number is accepted and stored as its text.",
          "oneOf": [{"$ref": "#/components/schemas/Line"}, {"type": "number"}]
        },
        "Line": {
          "type": "string", "minLength": 1, "maxLength": \#(FieldValue.maximumTextLength),
          "pattern": "^[^\\u0000-\\u001f\\u007f]*[^ \\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$",
          "description": "A non-empty line of text: at most \#(FieldValue.maximumTextLength) characters, not only spaces, no control characters."
        },
        "StoredText": {
          "type": "string", "minLength": 1,
          "description": "A text field as stored: non-empty, at most \#(FieldValue.maximumTextLength) characters."
        },
        "Email": {
          "type": "string", "minLength": 5, "maxLength": \#(FieldValue.maximumEmailLength),
          "pattern": "^[^@ \"(),:;<>\\[\\\\\\]\\u0000-\\u001f\\u007f]{1,64}@(?![.-])(?!.*\\.\\.)[^@ \"(),:;<>\\[\\\\\\]\\u0000-\\u001f\\u007f]*\\.[^@ \"(),:;<>\\[\\\\\\]\\u0000-\\u001f\\u007f]*[^.@ \"(),:;<>\\[\\\\\\]\\u0000-\\u001f\\u007f]$",
          "description": "local@domain.tld: one @, a local part of 1 to 64 bytes, a dotted domain that starts with neither a dot nor a hyphen and ends without a dot, no spaces, quotes, brackets or control characters, at most \#(FieldValue.maximumEmailLength) bytes.",
          "example": "ann@example.com"
        },
        "Password": {
          "type": "string", "minLength": \#(Password.minimumLength), "maxLength": \#(Password.maximumLength),
          "pattern": "^[^\\u0000]*$",
          "description": "\#(Password.minimumLength) to \#(Password.maximumLength) characters, no NUL. Never stored or answered."
        },
        "QueryPositiveInteger": {
          "type": "integer", "minimum": 1, "maximum": 9223372036854775807,
          "description": "In a path or query: 1 to \#(FieldValue.maximumIntegerDigits) digits (leading zeros allowed) with a value from 1 to 9223372036854775807."
        },
        "PositiveInteger": {
          "description": "A positive integer up to 9223372036854775807, or a string of at most \#(FieldValue.maximumIntegerDigits) digits with such a value.",
          "oneOf": [
            {"type": "integer", "minimum": 1, "maximum": 9223372036854775807},
            {"type": "string", "pattern": "^0*[1-9][0-9]*$", "maxLength": \#(FieldValue.maximumIntegerDigits)}
          ]
        },
        "Flag": {
          "description": "true or false; the strings \"true\" and \"false\" in any case, \"1\" and \"0\"; the integers 1 and 0.",
          "oneOf": [
            {"type": "boolean"},
            {"type": "integer", "enum": [0, 1]},
            {"type": "string", "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)$"}
          ]
        },
        "Date": {
          "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
          "description": "YYYY-MM-DD, a date that exists (year 1 or later)."
        },
        "Amount": {
          "description": "0 or more: a JSON number (0, or from 1e-29 to below 1e31, whose plain decimal form has at most 31 characters) or a decimal string of at most 31 characters (no exponent). Stored as its shortest plain decimal text.",
          "oneOf": [
            {"type": "number", "minimum": 0, "maximum": 0},
            {"type": "number", "minimum": 1e-29, "maximum": 1e31, "exclusiveMaximum": true},
            {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$", "maxLength": 31}
          ]
        },
        "Decimal": {
          "type": "string", "pattern": "^(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?$",
          "description": "A plain decimal of 0 or more in its shortest form (\"12.5\")."
        },
        "Price": {
          "type": "integer", "minimum": 0, "maximum": \#(CatalogProduct.maximumPrice),
          "description": "The price of one unit in integer cents."
        },
        "Stock": {
          "type": "integer", "minimum": 0, "maximum": \#(CatalogProduct.maximumStock),
          "description": "Units in stock."
        },
        """#

    /// The request bodies' schemas.
    static let requestSchemas = #"""
        "UserInput": {
          "type": "object", "required": ["email", "first_name", "last_name"],
          "properties": {
            "email": {"$ref": "#/components/schemas/Email"},
            "first_name": {"$ref": "#/components/schemas/Text"},
            "last_name": {"$ref": "#/components/schemas/Text"}
          }
        },
        "UserKey": {
          "type": "object", "required": ["email"],
          "properties": {"email": {"$ref": "#/components/schemas/Email"}}
        },
        "Registration": {
          "type": "object", "required": ["email", "password", "first_name", "last_name"],
          "properties": {
            "email": {"$ref": "#/components/schemas/Email"},
            "password": {"$ref": "#/components/schemas/Password"},
            "first_name": {"$ref": "#/components/schemas/Text"},
            "last_name": {"$ref": "#/components/schemas/Text"}
          }
        },
        "UserChanges": {
          "type": "object",
          "description": "At least one of first_name, last_name and password (null counts as absent).",
          "properties": {
            "first_name": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Text"}]},
            "last_name": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Text"}]},
            "password": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Password"}]}
          },
          "anyOf": [
            {"required": ["first_name"], "properties": {"first_name": {"not": {"enum": [null]}}}},
            {"required": ["last_name"], "properties": {"last_name": {"not": {"enum": [null]}}}},
            {"required": ["password"], "properties": {"password": {"not": {"enum": [null]}}}}
          ]
        },
        "Credentials": {
          "type": "object", "required": ["email", "password"],
          "description": "Any strings: a malformed email or a short password is a wrong password like any other (401).",
          "properties": {"email": {"type": "string"}, "password": {"type": "string"}}
        },
        "ProductInput": {
          "type": "object",
          "required": ["id", "name", "category", "company", "is_sold", "date_manufactured", "cost"],
          "properties": {
            "id": {"$ref": "#/components/schemas/PositiveInteger"},
            "name": {"$ref": "#/components/schemas/Text"},
            "category": {"$ref": "#/components/schemas/Text"},
            "company": {"$ref": "#/components/schemas/Text"},
            "is_sold": {"$ref": "#/components/schemas/Flag"},
            "date_manufactured": {"$ref": "#/components/schemas/Date"},
            "cost": {"$ref": "#/components/schemas/Amount"}
          }
        },
        "ProductKey": {
          "type": "object", "required": ["id"],
          "properties": {"id": {"$ref": "#/components/schemas/PositiveInteger"}}
        },
        "CatalogProductInput": {
          "type": "object",
          "required": ["id", "name", "category", "company", "is_sold", "date_manufactured", "cost", "price", "stock"],
          "properties": {
            "id": {"$ref": "#/components/schemas/PositiveInteger"},
            "name": {"$ref": "#/components/schemas/Text"},
            "category": {"$ref": "#/components/schemas/Text"},
            "company": {"$ref": "#/components/schemas/Text"},
            "is_sold": {"$ref": "#/components/schemas/Flag"},
            "date_manufactured": {"$ref": "#/components/schemas/Date"},
            "cost": {"$ref": "#/components/schemas/Amount"},
            "price": {"$ref": "#/components/schemas/Price"},
            "stock": {"$ref": "#/components/schemas/Stock"}
          }
        },
        "CatalogProductReplacement": {
          "type": "object",
          "description": "Every field; id may be left out and, when given, must be the id of the path.",
          "required": ["name", "category", "company", "is_sold", "date_manufactured", "cost", "price", "stock"],
          "properties": {
            "id": {"$ref": "#/components/schemas/PositiveInteger"},
            "name": {"$ref": "#/components/schemas/Text"},
            "category": {"$ref": "#/components/schemas/Text"},
            "company": {"$ref": "#/components/schemas/Text"},
            "is_sold": {"$ref": "#/components/schemas/Flag"},
            "date_manufactured": {"$ref": "#/components/schemas/Date"},
            "cost": {"$ref": "#/components/schemas/Amount"},
            "price": {"$ref": "#/components/schemas/Price"},
            "stock": {"$ref": "#/components/schemas/Stock"}
          }
        },
        "CatalogProductChanges": {
          "type": "object",
          "description": "Any fields, merged over the stored document (which must then be a whole product with a price); stock sets the level absolutely (each purchase lands wholly before or after it); id, when given, must be the id of the path.",
          "properties": {
            "id": {"$ref": "#/components/schemas/PositiveInteger"},
            "name": {"$ref": "#/components/schemas/Text"},
            "category": {"$ref": "#/components/schemas/Text"},
            "company": {"$ref": "#/components/schemas/Text"},
            "is_sold": {"$ref": "#/components/schemas/Flag"},
            "date_manufactured": {"$ref": "#/components/schemas/Date"},
            "cost": {"$ref": "#/components/schemas/Amount"},
            "price": {"$ref": "#/components/schemas/Price"},
            "stock": {"$ref": "#/components/schemas/Stock"}
          }
        },
        "PurchaseInput": {
          "type": "object", "required": ["items"],
          "properties": {
            "items": {
              "type": "array", "minItems": 1, "maxItems": \#(PurchaseRequest.maximumLines),
              "description": "Each product at most once (a repeated product is 422, not merged).",
              "items": {
                "type": "object", "required": ["product_id", "quantity"],
                "properties": {
                  "product_id": {"$ref": "#/components/schemas/PositiveInteger"},
                  "quantity": {"type": "integer", "minimum": 1, "maximum": \#(PurchaseRequest.maximumQuantity)}
                }
              }
            }
          }
        },
        """#

    /// The answers' schemas.
    static let answerSchemas = #"""
        "User": {
          "type": "object", "required": ["email", "first_name", "last_name"],
          "properties": {
            "email": {"$ref": "#/components/schemas/Email"},
            "first_name": {"$ref": "#/components/schemas/StoredText"},
            "last_name": {"$ref": "#/components/schemas/StoredText"}
          }
        },
        "Product": {
          "type": "object",
          "required": ["id", "name", "category", "company", "is_sold", "date_manufactured", "cost"],
          "description": "The stored document; a product of the v1 catalog also has its price.",
          "properties": {
            "id": {"type": "integer", "minimum": 1},
            "name": {"$ref": "#/components/schemas/StoredText"},
            "category": {"$ref": "#/components/schemas/StoredText"},
            "company": {"$ref": "#/components/schemas/StoredText"},
            "is_sold": {"type": "boolean"},
            "date_manufactured": {"$ref": "#/components/schemas/Date"},
            "cost": {"$ref": "#/components/schemas/Decimal"},
            "price": {"$ref": "#/components/schemas/Price"}
          }
        },
        "CatalogProduct": {
          "description": "The stored document plus its stock (0 when none was ever set); price is missing only for a product the classic routes wrote.",
          "allOf": [
            {"$ref": "#/components/schemas/Product"},
            {"type": "object", "required": ["stock"], "properties": {"stock": {"type": "integer", "minimum": 0}}}
          ]
        },
        "ProductPage": {
          "type": "object", "required": ["items", "next_cursor"],
          "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/CatalogProduct"}},
            "next_cursor": {"type": "string", "nullable": true, "description": "null on the last page."}
          }
        },
        "Order": {
          "type": "object", "required": ["id", "user", "items", "total", "created_at"],
          "properties": {
            "id": {"type": "integer", "minimum": 1, "description": "Unique, and increasing in the order purchases began; not dense: every purchase takes one when it starts, also one that then fails or replays an earlier order."},
            "user": {"$ref": "#/components/schemas/Email"},
            "items": {
              "type": "array", "minItems": 1,
              "items": {
                "type": "object", "required": ["product_id", "quantity", "unit_price", "amount"],
                "properties": {
                  "product_id": {"type": "integer", "minimum": 1},
                  "quantity": {"type": "integer", "minimum": 1},
                  "unit_price": {"type": "integer", "minimum": 0},
                  "amount": {"type": "integer", "minimum": 0}
                }
              }
            },
            "total": {"type": "integer", "minimum": 0, "description": "In cents."},
            "created_at": {"type": "integer", "description": "Seconds since 1970."}
          }
        },
        "PurchaseAnswer": {
          "allOf": [
            {"$ref": "#/components/schemas/Order"},
            {"type": "object", "required": ["replicated"],
             "properties": {"replicated": {"type": "boolean", "description": "Whether a replica acknowledged the order in time."}}}
          ]
        },
        "OrderPage": {
          "type": "object", "required": ["items", "next_cursor"],
          "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}},
            "next_cursor": {"type": "string", "nullable": true, "description": "null on the last page."}
          }
        },
        "Session": {
          "type": "object", "required": ["token", "expires_in"],
          "properties": {
            "token": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "expires_in": {"type": "integer", "minimum": 60, "description": "Seconds."}
          }
        },
        "DeletedUser": {
          "type": "object", "required": ["deleted"],
          "properties": {
            "deleted": {"type": "object", "required": ["email"], "properties": {"email": {"$ref": "#/components/schemas/Email"}}}
          }
        },
        "DeletedProduct": {
          "type": "object", "required": ["deleted"],
          "properties": {
            "deleted": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 1}}}
          }
        },
        "Status": {
          "type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok", "ready"]}}
        },
        "Error": {
          "type": "object", "required": ["error"],
          "properties": {
            "error": {
              "type": "object", "required": ["code", "message"],
              "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                  "type": "object", "additionalProperties": {"type": "string"},
                  "description": "What is wrong with each named field (items[1].quantity, Idempotency-Key, ...)."
                }
              }
            }
          }
        }
        """#

    /// The error answers, the headers, the shared parameters and the security schemes.
    static let sharedComponents = #"""
        "responses": {
          "BadRequest": {"description": "malformed_json: the body is not a JSON object (bad_request: malformed HTTP).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unauthorized": {"description": "unauthorized: no valid bearer token.", "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Forbidden": {"description": "forbidden: valid credentials that do not allow this (or no admin token is configured).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotFound": {"description": "not_found.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Conflict": {"description": "already_exists.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "TooLarge": {"description": "body_too_large: the body is over the limit (64 KiB by default).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "UnsupportedMediaType": {"description": "unsupported_media_type: the body is not declared application/json (or application/*+json).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Invalid": {"description": "validation_failed: fields names every missing or invalid field.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "InternalError": {"description": "internal_error: the store answered something unexpected (logged).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unavailable": {"description": "store_unavailable (the store did not answer in time), unavailable (too many password hashes wait) or conflict_retries_exhausted.", "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "headers": {
          "X-Request-ID": {"description": "The client's X-Request-ID when it is 1 to 128 letters, digits and -._:/+=, else 32 new hex digits.", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:/+=-]{1,128}$"}},
          "Retry-After": {"description": "Seconds to wait before retrying.", "required": true, "schema": {"type": "string", "enum": ["1"]}},
          "WWW-Authenticate": {"required": true, "schema": {"type": "string", "enum": ["Bearer"]}},
          "X-Replicated": {"description": "Whether a replica acknowledged the order in time.", "required": true, "schema": {"type": "string", "enum": ["true", "false"]}}
        },
        "parameters": {
          "RequestID": {"name": "X-Request-ID", "in": "header", "required": false, "description": "Echoed in the answer and logged when it is 1 to 128 letters, digits and -._:/+=; any other value is replaced by a new id (never refused).", "schema": {"type": "string"}},
          "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": false, "description": "A retry with the same key returns the original order (200); with other items 422 idempotency_key_reused. Per user, kept 24 h.", "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,\#(PurchaseRequest.maximumKeyLength)}$"}},
          "ProductID": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/QueryPositiveInteger"}},
          "OrderID": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/QueryPositiveInteger"}},
          "UserEmail": {"name": "email", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Email"}},
          "Cursor": {"name": "cursor", "in": "query", "required": false, "description": "The next_cursor of the previous page; empty or 0 for the first.", "schema": {"type": "string", "pattern": "^(0|0*[1-9][0-9]*)?$", "maxLength": \#(FieldValue.maximumIntegerDigits)}},
          "Limit": {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": \#(Page.maximumLimit), "default": \#(Page.defaultLimit)}}
        },
        "securitySchemes": {
          "session": {"type": "http", "scheme": "bearer", "bearerFormat": "64 hex digits", "description": "A session token from POST /v1/sessions."},
          "admin": {"type": "http", "scheme": "bearer", "description": "The API_ADMIN_TOKEN."}
        }
        """#
}
