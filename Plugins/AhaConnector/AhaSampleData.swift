/// Canned Aha! answers for the self-test (`connhost check-plugin` with no account), in the
/// API's real shape: users on two pages, a team listed with its members (one virtual, one
/// listed twice), and a team listed without them, whose members come from its
/// `team_memberships` endpoint.
enum AhaSampleData {
    static let answers = [
        "/api/v1/users?page=1": #"{"users": [{"id": "1001", "name": "Ada Lovelace", "email": "ada@example.com", "enabled": true, "administrator": true}, {"id": 1002, "email": "grace@example.com", "paid_seat": true}], "pagination": {"total_records": 3, "total_pages": 2, "current_page": 1}}"#,
        "/api/v1/users?page=2": #"{"users": [{"id": "1003", "name": "Alan Turing", "enabled": false, "accessed_at": "2026-11-30T08:00:00Z"}], "pagination": {"total_records": 3, "total_pages": 2, "current_page": 2}}"#,
        "/api/v1/teams?page=1": #"{"teams": [{"id": "7", "name": "Platform", "team_members": [{"user_id": "1001"}, {"user_id": 1002}, {"user_id": "1001"}, {"user_id": "9", "virtual": true}]}, {"id": 8, "name": "Design"}], "pagination": {"total_records": 2, "total_pages": 1, "current_page": 1}}"#,
        "/api/v1/teams/8/team_memberships?page=1": #"{"team_memberships": [{"team_member": {"user_id": "1003"}}], "pagination": {"total_records": 1, "total_pages": 1, "current_page": 1}}"#,
    ]
}
