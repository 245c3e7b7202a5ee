import ConnectorKit

/// `GET /api/user`: the key's user and the accounts it belongs to.
struct CodefreshCurrentUser: Decodable {
    var activeAccountName: String?
    var account: [CodefreshAccount]?
}

/// An account entry; real responses carry both `_id` and `id`.
struct CodefreshAccount: Decodable, Sendable {
    var name: String
    var id: String
    var admins: [String]

    enum CodingKeys: String, CodingKey { case name, id, underscoreID = "_id", admins }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        guard let id = try container.decodeIfPresent(LenientString.self, forKey: .id)
                ?? container.decodeIfPresent(LenientString.self, forKey: .underscoreID) else {
            throw DecodingError.keyNotFound(CodingKeys.id, .init(codingPath: container.codingPath,
                                                                 debugDescription: "account \(name) has neither id nor _id"))
        }
        self.id = id.value
        admins = (try container.decodeIfPresent([LenientString].self, forKey: .admins) ?? []).map(\.value)
    }
}

/// A user of `GET /api/accounts/{id}/users`.
struct CodefreshUser: Decodable, Sendable {
    struct Personal: Decodable, Sendable {
        var firstName: String?
        var lastName: String?
    }
    var id: LenientString
    var userName: String?
    var email: String?
    var roles: [String]?
    var status: String?
    var personal: Personal?

    enum CodingKeys: String, CodingKey { case id = "_id", userName, email, roles, status, personal }
}
