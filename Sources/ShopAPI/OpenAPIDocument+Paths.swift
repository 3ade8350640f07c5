/// The `paths` of the OpenAPI document: one operation per route `ShopServer` registers. Pure.
extension OpenAPIDocument {
    /// `"<status>": <the shared error answer>` for each of `statuses`, comma-separated.
    static func errors(_ statuses: Int...) -> String {
        let names = [
            400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
            413: "TooLarge", 415: "UnsupportedMediaType", 422: "Invalid", 500: "InternalError", 503: "Unavailable",
        ]
        return statuses.map { status in
            guard let name = names[status] else { preconditionFailure("no shared answer for \(status)") }
            return ##""\##(status)": {"$ref": "#/components/responses/\##(name)"}"##
        }.joined(separator: ", ")
    }

    /// A JSON request body of schema `name`.
    static func body(_ name: String) -> String {
        ##""requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/\##(name)"}}}}"##
    }

    /// An answer with a JSON body of schema `name`.
    static func answer(_ description: String, _ name: String) -> String {
        ##"{"description": "\##(description)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/\##(name)"}}}}"##
    }

    /// A reference to the shared parameter `name`.
    static func parameter(_ name: String) -> String {
        ##"{"$ref": "#/components/parameters/\##(name)"}"##
    }

    static let admin = #""security": [{"admin": []}]"#
    static let selfOrAdmin = #""security": [{"session": []}, {"admin": []}]"#
    static let session = #""security": [{"session": []}]"#

    /// Every route.
    static var paths: String {
        classicPaths + userPaths + productPaths + purchasePaths + servicePaths
    }

    private static var classicPaths: String {
        #"""
        "/user": {
          "get": {
            "operationId": "getClassicUser", "tags": ["classic"], "summary": "A user by email.",
            "parameters": [{"name": "user", "in": "query", "required": true, "schema": {"$ref": "#/components/schemas/Email"}}],
            "responses": {"200": \#(answer("The user.", "User")), \#(errors(404, 422, 500, 503))}
          },
          "post": {
            "operationId": "createClassicUser", "tags": ["classic"], "summary": "Creates a user (no password).", \#(admin),
            \#(body("UserInput")),
            "responses": {"201": \#(answer("Created.", "User")), \#(errors(400, 401, 403, 409, 413, 415, 422, 500, 503))}
          },
          "put": {
            "operationId": "replaceClassicUser", "tags": ["classic"], "summary": "Replaces a user's names.", \#(admin),
            \#(body("UserInput")),
            "responses": {"200": \#(answer("Replaced.", "User")), \#(errors(400, 401, 403, 404, 413, 415, 422, 500, 503))}
          },
          "delete": {
            "operationId": "deleteClassicUser", "tags": ["classic"], "summary": "Deletes a user, their password and their sessions.", \#(admin),
            \#(body("UserKey")),
            "responses": {"200": \#(answer("Deleted.", "DeletedUser")), \#(errors(400, 401, 403, 404, 413, 415, 422, 500, 503))}
          }
        },
        "/product": {
          "get": {
            "operationId": "getClassicProduct", "tags": ["classic"], "summary": "A product by id (the stored document).",
            "parameters": [{"name": "id", "in": "query", "required": true, "schema": {"$ref": "#/components/schemas/QueryPositiveInteger"}}],
            "responses": {"200": \#(answer("The product.", "Product")), \#(errors(404, 422, 500, 503))}
          },
          "post": {
            "operationId": "createClassicProduct", "tags": ["classic"], "summary": "Creates a product (listed by /v1/products; without a price it is not for sale).", \#(admin),
            \#(body("ProductInput")),
            "responses": {"201": \#(answer("Created.", "Product")), \#(errors(400, 401, 403, 409, 413, 415, 422, 500, 503))}
          },
          "put": {
            "operationId": "replaceClassicProduct", "tags": ["classic"], "summary": "Replaces a product's classic fields (a v1 price stays).", \#(admin),
            \#(body("ProductInput")),
            "responses": {"200": \#(answer("Replaced.", "Product")), \#(errors(400, 401, 403, 404, 413, 415, 422, 500, 503))}
          },
          "delete": {
            "operationId": "deleteClassicProduct", "tags": ["classic"], "summary": "Deletes a product, its stock and its listing.", \#(admin),
            \#(body("ProductKey")),
            "responses": {"200": \#(answer("Deleted.", "DeletedProduct")), \#(errors(400, 401, 403, 404, 413, 415, 422, 500, 503))}
          }
        },
        """#
    }

    private static var userPaths: String {
        #"""
        "/v1/users": {
          "post": {
            "operationId": "registerUser", "tags": ["users"], "summary": "Registers a user with a password.",
            \#(body("Registration")),
            "responses": {"201": \#(answer("Registered.", "User")), \#(errors(400, 409, 413, 415, 422, 500, 503))}
          }
        },
        "/v1/users/{email}": {
          "parameters": [\#(parameter("UserEmail"))],
          "get": {
            "operationId": "getUser", "tags": ["users"], "summary": "A user: themself or the admin.", \#(selfOrAdmin),
            "responses": {"200": \#(answer("The user.", "User")), \#(errors(401, 403, 404, 422, 500, 503))}
          },
          "patch": {
            "operationId": "updateUser", "tags": ["users"], "summary": "Changes names or the password (a new password ends every other session of the user).", \#(selfOrAdmin),
            \#(body("UserChanges")),
            "responses": {"200": \#(answer("Changed.", "User")), \#(errors(400, 401, 403, 404, 413, 415, 422, 500, 503))}
          },
          "delete": {
            "operationId": "deleteUser", "tags": ["users"], "summary": "Deletes a user, their password and sessions.", \#(selfOrAdmin),
            "responses": {"204": {"description": "Deleted."}, \#(errors(401, 403, 404, 422, 500, 503))}
          }
        },
        "/v1/users/{email}/purchases": {
          "parameters": [\#(parameter("UserEmail"))],
          "get": {
            "operationId": "listUserPurchases", "tags": ["purchases"], "summary": "A user's orders, newest first: themself or the admin (404 for another user).", \#(selfOrAdmin),
            "parameters": [\#(parameter("Cursor")), \#(parameter("Limit"))],
            "responses": {"200": \#(answer("A page of orders.", "OrderPage")), \#(errors(401, 404, 422, 500, 503))}
          }
        },
        "/v1/sessions": {
          "post": {
            "operationId": "logIn", "tags": ["sessions"], "summary": "Logs in: a bearer token.",
            \#(body("Credentials")),
            "responses": {"201": \#(answer("A session.", "Session")), \#(errors(400, 401, 413, 415, 422, 500, 503))}
          },
          "delete": {
            "operationId": "logOut", "tags": ["sessions"], "summary": "Ends the session of the bearer token.", \#(session),
            "responses": {"204": {"description": "Logged out."}, \#(errors(401, 500, 503))}
          }
        },
        """#
    }

    private static var productPaths: String {
        #"""
        "/v1/products": {
          "get": {
            "operationId": "listProducts", "tags": ["products"], "summary": "Products in id order, optionally of one category.",
            "parameters": [{"name": "category", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/Line"}},
                           \#(parameter("Cursor")), \#(parameter("Limit"))],
            "responses": {"200": \#(answer("A page of products.", "ProductPage")), \#(errors(422, 500, 503))}
          },
          "post": {
            "operationId": "createProduct", "tags": ["products"], "summary": "Creates a product with its price and stock.", \#(admin),
            \#(body("CatalogProductInput")),
            "responses": {"201": \#(answer("Created.", "CatalogProduct")), \#(errors(400, 401, 403, 409, 413, 415, 422, 500, 503))}
          }
        },
        "/v1/products/{id}": {
          "parameters": [\#(parameter("ProductID"))],
          "get": {
            "operationId": "getProduct", "tags": ["products"], "summary": "A product with its stock.",
            "responses": {"200": \#(answer("The product.", "CatalogProduct")), \#(errors(404, 422, 500, 503))}
          },
          "put": {
            "operationId": "replaceProduct", "tags": ["products"], "summary": "Replaces a product.", \#(admin),
            \#(body("CatalogProductReplacement")),
            "responses": {"200": \#(answer("Replaced.", "CatalogProduct")), \#(errors(400, 401, 403, 404, 413, 415, 422, 500, 503))}
          },
          "patch": {
            "operationId": "updateProduct", "tags": ["products"], "summary": "Changes some fields of a product.", \#(admin),
            \#(body("CatalogProductChanges")),
            "responses": {"200": \#(answer("Changed.", "CatalogProduct")), \#(errors(400, 401, 403, 404, 413, 415, 422, 500, 503))}
          },
          "delete": {
            "operationId": "deleteProduct", "tags": ["products"], "summary": "Deletes a product and its stock.", \#(admin),
            "responses": {"200": \#(answer("Deleted.", "DeletedProduct")), \#(errors(401, 403, 404, 422, 500, 503))}
          }
        },
        """#
    }

    private static var purchasePaths: String {
        let replicated = ##""headers": {"X-Replicated": {"$ref": "#/components/headers/X-Replicated"}}"##
        let order = ##""content": {"application/json": {"schema": {"$ref": "#/components/schemas/PurchaseAnswer"}}}"##
        return #"""
            "/v1/purchases": {
              "post": {
                "operationId": "purchase", "tags": ["purchases"], "summary": "Buys every line or nothing.", \#(session),
                "parameters": [\#(parameter("IdempotencyKey"))],
                \#(body("PurchaseInput")),
                "responses": {
                  "201": {"description": "The order.", \#(replicated), \#(order)},
                  "200": {"description": "The order an earlier request with this Idempotency-Key made; nothing was charged again.", \#(replicated), \#(order)},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"description": "insufficient_stock (fields names each short line) or not_for_sale (a product without a price); nothing was bought.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  \#(errors(400, 401, 413, 415, 422, 500, 503))
                }
              }
            },
            "/v1/purchases/{id}": {
              "parameters": [\#(parameter("OrderID"))],
              "get": {
                "operationId": "getPurchase", "tags": ["purchases"], "summary": "An order: its buyer or the admin (404 for anyone else).", \#(selfOrAdmin),
                "responses": {"200": \#(answer("The order.", "Order")), \#(errors(401, 404, 422, 500, 503))}
              }
            },
            """#
    }

    private static var servicePaths: String {
        #"""
        "/health": {
          "get": {
            "operationId": "health", "tags": ["service"], "summary": "The process answers.",
            "responses": {"200": \#(answer("The process runs: status ok.", "Status"))}
          }
        },
        "/ready": {
          "get": {
            "operationId": "ready", "tags": ["service"], "summary": "The store answers PING within the store timeout.",
            "responses": {"200": \#(answer("The store answers: status ready.", "Status")), \#(errors(500, 503))}
          }
        },
        "/metrics": {
          "get": {
            "operationId": "metrics", "tags": ["service"], "summary": "Prometheus text format 0.0.4.",
            "responses": {"200": {"description": "The metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/openapi.json": {
          "get": {
            "operationId": "openAPI", "tags": ["service"], "summary": "This document.",
            "responses": {"200": {"description": "The OpenAPI 3.0.3 document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        }
        """#
    }
}
