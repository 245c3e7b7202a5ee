/// Names for generated people, teams and accounts. Deliberately awkward: diacritics,
/// CJK, Cyrillic, RTL scripts, emoji, quotes and backslashes, so that connectors,
/// sinks and the JSON escaping on both sides get exercised by ordinary test data.
enum NameBank {
    /// (display form, ASCII handle used for emails and user names)
    static let firstNames: [(String, String)] = [
        ("Zoë", "zoe"), ("José", "jose"), ("Ana", "ana"), ("Björn", "bjorn"), ("Chloé", "chloe"),
        ("Dmitri", "dmitri"), ("Émilie", "emilie"), ("Farah", "farah"), ("Günter", "gunter"),
        ("Hiro", "hiro"), ("Ingrid", "ingrid"), ("Jamal", "jamal"), ("Katarzyna", "katarzyna"),
        ("Liam", "liam"), ("María", "maria"), ("Nikolai", "nikolai"), ("Olu", "olu"),
        ("Priya", "priya"), ("Quinn", "quinn"), ("Renée", "renee"), ("Søren", "soren"),
        ("Tomás", "tomas"), ("Uma", "uma"), ("Wei", "wei"), ("Yara", "yara"), ("Zdeněk", "zdenek"),
        ("Seán", "sean"), ("Ægir", "aegir"), ("Łukasz", "lukasz"), ("Noor", "noor"),
        ("Grace", "grace"), ("Ola", "ola"),
    ]

    static let lastNames: [(String, String)] = [
        ("Ångström", "angstrom"), ("O'Brien", "obrien"), ("Müller", "muller"), ("Nakamura", "nakamura"),
        ("Smith", "smith"), ("García", "garcia"), ("Kowalski", "kowalski"), ("Dubois", "dubois"),
        ("Okafor", "okafor"), ("Patel", "patel"), ("Ivanova", "ivanova"), ("Lefèvre", "lefevre"),
        ("Þórsson", "thorsson"), ("Nguyễn", "nguyen"), ("Çelik", "celik"), ("Schröder", "schroder"),
        ("Rossi", "rossi"), ("van der Berg", "vanderberg"), ("Hopper", "hopper"), ("Nordmann", "nordmann"),
        ("Kim", "kim"), ("D'Angelo", "dangelo"), ("Søndergaard", "sondergaard"), ("Al-Sayed", "alsayed"),
    ]

    /// Whole names in other scripts, used for a few percent of people.
    static let fullNames: [(String, String)] = [
        ("王芳", "wang.fang"), ("张伟", "zhang.wei"), ("山田太郎", "yamada.taro"), ("김민준", "kim.minjun"),
        ("Алексей Смирнов", "aleksei.smirnov"), ("Σοφία Παπαδοπούλου", "sofia.papadopoulou"),
        ("محمد علي", "mohammed.ali"), ("Dvořák Antonín", "dvorak.antonin"),
    ]

    /// Fixed names for the first Aha! users, so even small tenants contain the hard cases.
    static let ahaSpecialUsers: [(String, String)] = [
        ("Zoë Ångström", "zoe.angstrom"),
        ("李雷", "li.lei"),
        ("Z. Angstrom (contractor)", "z.angstrom"),  // shares user 0's email
        ("Seán O'Brien \"OB\"", "sean.obrien"),
        ("Tab\tand Back\\slash", "tab.backslash"),
        ("🚀 Rocket Über", "rocket.uber"),
    ]

    static let teamNames: [String] = [
        "Platform", "Mobile", "Data & Analytics", "Zoë's Squad", "增长团队", "Design \"UX\"",
        "Infra\\Ops", "Support", "Payments", "Search", "Developer Experience", "Security",
    ]

    static let virtualNames: [(String, String)] = [
        ("Offshore QA (virtual)", "offshore.qa"), ("外包团队", "outsourcing"),
        ("Ola Nordmann (virtual)", "ola.nordmann"), ("TBD Hire", "tbd.hire"),
        ("Contractor “Night Shift”", "night.shift"), ("Agency Łódź", "agency.lodz"),
    ]

    static let products: [(name: String, prefix: String)] = [
        ("Fred's Product", "FRED"), ("Mobile App 📱", "MOB"), ("Platform \"Core\"", "CORE"),
        ("Données & Analyse", "DATA"), ("Internal Tools", "INT"),
    ]

    static let seatGroups: [String] = ["Engineering", "Product", "Design & Research", "Go-to-Market"]

    static let accountNames: [String] = [
        "acme-staging", "acme-production", "zoë-sandbox", "платформа", "acme-legacy",
    ]

    static let companies: [String] = ["Acme Corp", "Ünicode GmbH", "株式会社テスト", "O'Neil & Sons"]

    /// `--hostile-names`: user names that try to inject HTML or script into a page, or a
    /// formula into a spreadsheet. They must show as text wherever they end up.
    static let hostileUserNames: [String] = [
        "<img src=x onerror=\"document.title='pwned-img'\">",
        "</script><script>document.title='pwned-script'</script>",
        "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
        "\"><svg onload=\"document.title='pwned-svg'\">",
        "' onmouseover='document.title=1' x='",
        "=cmd|' /C calc'!A0",
        "+SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\tTab-led =1+1",
        "\rCR-led =1+1",
        "<!-- opens a comment \u{2028}line\u{2029}separators",
        "&lt;b&gt;already escaped&lt;/b&gt; &amp;",
        "'quoted, with \"quotes\"",
    ]

    /// `--hostile-names`: team names of the same kind.
    static let hostileTeamNames: [String] = [
        "</script><script>document.title='pwned-team'</script>",
        "<b onclick=\"document.title='pwned-b'\">Bold</b> & Co",
        "=HYPERLINK(\"//evil.invalid/x\",\"click\")",
        "<style>body{display:none}</style>Hidden",
        "@Team -1+1",
    ]
}
