/// A response before it goes on the wire. Bodies are always JSON; extra headers carry
/// things like `Retry-After`.
struct HTTPResponse: Sendable {
    var status: Int
    var body: [UInt8]
    var extraHeaders: [(String, String)] = []

    init(status: Int, body: [UInt8], extraHeaders: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.extraHeaders = extraHeaders
    }

    init(status: Int, json: StaticString) {
        var w = JSONWriter(capacity: json.utf8CodeUnitCount)
        w.raw(json)
        self.init(status: status, body: w.bytes)
    }

    /// Status line, headers and body in one buffer, so a response leaves in as few
    /// segments as possible.
    func serialized(close: Bool, keepAliveHeader: Bool = false) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        head += "Content-Type: application/json; charset=utf-8\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for (name, value) in extraHeaders { head += "\(name): \(value)\r\n" }
        if close {
            head += "Connection: close\r\n"
        } else if keepAliveHeader {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var out: [UInt8] = []
        out.reserveCapacity(head.utf8.count + body.count)
        out.append(contentsOf: head.utf8)
        out.append(contentsOf: body)
        return out
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 302: return "Found"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }
}

/// What the server does with a response: send it whole, or (fault injection) send
/// only the first half and then reset the connection.
struct Reply: Sendable {
    var response: HTTPResponse
    var resetHalfway = false
}
