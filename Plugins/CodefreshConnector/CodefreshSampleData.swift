/// Canned Codefresh answers for the self-test (`connhost check-plugin` with no account), in
/// the API's real shape: the key's user with two accounts (the active one second, keyed by
/// `_id`), and its users with every role combination.
enum CodefreshSampleData {
    static let answers = [
        "/api/user": #"{"activeAccountName": "acme", "account": [{"name": "other", "id": "a0", "admins": []}, {"name": "acme", "_id": "a1", "admins": ["u3"]}]}"#,
        "/api/accounts/a1/users": #"[{"_id": "u1", "userName": "ada", "email": "ada@example.com", "roles": ["Admin", "User"], "status": "active", "personal": {"firstName": "Ada", "lastName": "Lovelace"}}, {"_id": "u2", "userName": "grace", "roles": ["User"]}, {"_id": "u3", "email": "alan@example.com", "status": "pending"}]"#,
    ]
}
