using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LogSentinel.Detector.Tests.Corpora;

/// <summary>
/// A week of a busy but healthy Debian 12 ssh + mail server, written the way its programs write it (OpenSSH 9.2 at
/// LogLevel VERBOSE, sudo, cron, postfix 3.7, dovecot 2.3 with auth_verbose), with attacks hidden inside, and what
/// is true about it: the server's own addresses and accounts, and each attack with the rule expected to catch it.
/// auth.log is written in the traditional syslog stamp (RFC 3164), mail.log in rsyslog's RFC 3339 stamp, and the
/// auth lines once more as a `journalctl -o json` export. Deterministic for a seed.
/// </summary>
public sealed partial class OrdinaryWeek
{
    public static readonly DateTime Start = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    public static readonly TimeSpan Length = TimeSpan.FromDays(7);
    public const string Host = "mx1";
    private const string ServerIp = "78.46.10.20";

    /// <summary>An attack and what must name it: the rule, and the offender (an address, a /64, or "user|host").</summary>
    public sealed record Attack(string Name, string Rule, string Offender);

    public string AuthLog { get; }
    public string MailLog { get; }
    public string AuthJournal { get; }

    /// <summary>Addresses only the server's own users, monitors, CI and mail peers use.</summary>
    public HashSet<string> LegitAddresses { get; } = new(StringComparer.Ordinal);

    /// <summary>The addresses the server's own people and CI log in from (a subset of <see cref="LegitAddresses"/>).</summary>
    public HashSet<string> LoginAddresses { get; } = new(StringComparer.Ordinal);

    /// <summary>The server's own accounts (system, admins, mailboxes) whose activity is all ordinary.</summary>
    public HashSet<string> LegitUsers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<Attack> Attacks { get; } = [];

    private readonly Random _rng;
    private readonly List<Line> _auth = [];
    private readonly List<Line> _mail = [];
    private long _sequence;
    private int _pid = 2000;
    private int _session = 100;

    private readonly record struct Line(DateTime Time, long Sequence, string Tag, int Pid, string Message);

    private OrdinaryWeek(string directory, int seed)
    {
        _rng = new Random(seed);
        Server();
        Admins();
        Monitoring();
        MailUsers();
        MailPeers();
        Background();
        Attacks_();
        LegitAddresses.UnionWith(LoginAddresses);
        AuthLog = Path.Combine(directory, "auth.log");
        MailLog = Path.Combine(directory, "mail.log");
        AuthJournal = Path.Combine(directory, "auth.journal.json");
        Write(AuthLog, _auth, Rfc3164);
        Write(MailLog, _mail, Rfc3339);
        Write(AuthJournal, _auth, Journal);
    }

    public static OrdinaryWeek Write(string directory, int seed = 7) => new(directory, seed);

    // ------------------------------------------------------------------ the server's own life

    private void Server()
    {
        LegitUsers.UnionWith(["root", "www-data", "postfix", "dovecot", "backup"]);
        var logind = NextPid();
        // cron: every 5 minutes (php sessions clean-up, certbot checks) and hourly.
        for (var t = Start.AddMinutes(2); t < Start + Length; t = t.AddMinutes(5))
        {
            var pid = NextPid();
            Auth(t, "CRON", pid, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
            Auth(t.AddSeconds(Jitter(1, 40)), "CRON", pid, "pam_unix(cron:session): session closed for user root");
        }
        // nightly backup pulled over ssh from the backup host on the LAN.
        for (var day = 0; day < 7; day++)
        {
            var t = Start.AddDays(day).AddHours(2).AddMinutes(Jitter(0, 20));
            Session(t, "backup", 34, "10.0.0.20", "publickey", "ED25519", TimeSpan.FromMinutes(Jitter(20, 50)), logind, keysBefore: 0);
        }
        LegitAddresses.Add("10.0.0.20");
    }

    private void Admins()
    {
        var logind = 412;
        const string office = "87.128.44.17";
        string[] aliceIps = [office, "91.10.203.5"];
        string[] daveIps = [office, "84.128.90.3"];
        string[] carolIps = ["46.114.33.80", "79.192.17.4"];
        LoginAddresses.UnionWith([.. aliceIps, .. daveIps, .. carolIps]);
        LegitUsers.UnionWith(["alice", "bob", "carol", "dave", "deploy"]);
        for (var day = 0; day < 7; day++)
        {
            var weekday = day < 5;
            // alice: keys from an agent that offers two others first (VERBOSE logs each refusal).
            foreach (var t in WorkSessions(day, weekday ? 6 : 1))
            {
                var ip = Pick(aliceIps);
                Session(t, "alice", 1000, ip, "publickey", "ED25519", TimeSpan.FromMinutes(Jitter(5, 90)), logind, keysBefore: Jitter(1, 3));
                Sudo(t.AddMinutes(Jitter(1, 4)), "alice", 1000, "/usr/bin/systemctl restart nginx.service", typo: _rng.NextDouble() < 0.1);
            }
            // bob: an agent holding many keys; now and then sshd runs out of MaxAuthTries before the right one.
            var bobV6 = $"2003:e0:4a1f:7c00:{_rng.Next(0x1000, 0xffff):x}:{_rng.Next(0x1000, 0xffff):x}:{_rng.Next(0x1000, 0xffff):x}:{_rng.Next(0x1000, 0xffff):x}";
            LoginAddresses.Add(bobV6);
            foreach (var t in WorkSessions(day, weekday ? 5 : 2))
            {
                var ip = _rng.NextDouble() < 0.5 ? bobV6 : office;
                var at = t;
                if (_rng.NextDouble() < 0.15)
                    at = TooManyKeys(at, "bob", ip);
                Session(at, "bob", 1001, ip, "publickey", "RSA", TimeSpan.FromMinutes(Jitter(10, 120)), logind, keysBefore: Jitter(0, 2));
                if (_rng.NextDouble() < 0.5)
                    Sudo(at.AddMinutes(Jitter(1, 8)), "bob", 1001, "/usr/bin/docker compose up -d", typo: _rng.NextDouble() < 0.05);
            }
            // carol: passwords, and a couple of typos a day.
            foreach (var t in WorkSessions(day, weekday ? 4 : 0))
            {
                var ip = Pick(carolIps);
                var typos = _rng.NextDouble() < 0.45 ? Jitter(1, 2) : 0;
                Session(t, "carol", 1002, ip, "password", "", TimeSpan.FromMinutes(Jitter(3, 40)), logind, keysBefore: 0, typos: typos);
                if (_rng.NextDouble() < 0.4)
                    Sudo(t.AddMinutes(Jitter(1, 3)), "carol", 1002, "/usr/sbin/doveadm who", typo: _rng.NextDouble() < 0.2);
            }
            // dave: keys, and now and then a mistyped login name first.
            foreach (var t in WorkSessions(day, weekday ? 3 : 1))
            {
                var ip = Pick(daveIps);
                var at = t;
                if (_rng.NextDouble() < 0.12)
                    at = MistypedName(at, "dvae", ip);
                Session(at, "dave", 1003, ip, "publickey", "ECDSA", TimeSpan.FromMinutes(Jitter(5, 60)), logind, keysBefore: 0);
                if (_rng.NextDouble() < 0.3)
                    Su(at.AddMinutes(Jitter(1, 4)), "dave", typo: _rng.NextDouble() < 0.2);
            }
            // CI deploys from a pool of runners, each with sudo rights on two commands.
            for (var k = 0; k < (weekday ? Jitter(8, 15) : Jitter(0, 3)); k++)
            {
                var t = Start.AddDays(day).AddHours(Jitter(7, 19)).AddMinutes(Jitter(0, 59)).AddSeconds(Jitter(0, 59));
                var runner = $"93.192.12.{Jitter(10, 13)}";
                LoginAddresses.Add(runner);
                Session(t, "deploy", 1004, runner, "publickey", "ED25519", TimeSpan.FromSeconds(Jitter(4, 40)), logind, keysBefore: 0, tty: false);
                SudoNoPassword(t.AddSeconds(2), "deploy", "/usr/bin/systemctl restart app.service");
            }
        }
    }

    private void Monitoring()
    {
        // The LAN monitor checks the ssh banner every 30-60 s; an external uptime service does a bare TCP check every minute.
        const string lan = "10.0.0.5";
        const string uptime = "188.100.50.60";
        LegitAddresses.UnionWith([lan, uptime]);
        for (var t = Start.AddSeconds(Jitter(0, 30)); t < Start + Length; t = t.AddSeconds(Jitter(30, 60)))
        {
            var pid = NextPid();
            Auth(t, "sshd", pid, $"Connection closed by {lan} port {Port()} [preauth]");
        }
        for (var t = Start.AddSeconds(Jitter(0, 60)); t < Start + Length; t = t.AddSeconds(Jitter(55, 65)))
        {
            var pid = NextPid();
            if (_rng.NextDouble() < 0.5)
            {
                Auth(t, "sshd", pid, "error: kex_exchange_identification: Connection closed by remote host");
                Auth(t, "sshd", pid, $"Connection closed by {uptime} port {Port()}");
            }
            else
            {
                Auth(t, "sshd", pid, $"Did not receive identification string from {uptime} port {Port()}");
            }
        }
        // Mail checks every 5 minutes: SMTP banner, IMAP connect.
        for (var t = Start.AddSeconds(Jitter(0, 300)); t < Start + Length; t = t.AddMinutes(5))
        {
            var pid = NextPid();
            Mail(t, "postfix/smtpd", pid, $"connect from monitor.lan[{lan}]");
            Mail(t.AddMilliseconds(40), "postfix/smtpd", pid, $"disconnect from monitor.lan[{lan}] ehlo=1 quit=1 commands=2");
            Mail(t.AddSeconds(1), "dovecot", -1, $"imap-login: Disconnected: Connection closed (no auth attempts in 0 secs): user=<>, rip={lan}, lip={ServerIp}, session=<{Token(16)}>");
        }
    }

    private static readonly string[] MailboxNames =
    [
        "anna", "ben", "clara", "david", "emma", "felix", "greta", "hannah", "jonas", "julia", "karl", "laura", "lena", "leon",
        "lukas", "maria", "max", "mia", "moritz", "nina", "noah", "oskar", "paul", "petra", "ralf", "sara", "simon", "sophie",
        "stefan", "tim", "tobias", "ute", "vera", "werner", "yara", "zoe", "frank", "erin", "heidi", "ingo",
    ];

    private readonly Dictionary<string, string[]> _devices = new(StringComparer.Ordinal);

    private void MailUsers()
    {
        foreach (var name in MailboxNames)
        {
            var mailbox = name + "@example.org";
            LegitUsers.UnionWith([mailbox, name]);
            var desktop = _rng.NextDouble() < 0.5 ? "87.128.44.17" : $"91.{Jitter(1, 60)}.{Jitter(0, 255)}.{Jitter(1, 254)}";
            var phone = $"46.114.{Jitter(0, 255)}.{Jitter(1, 254)}";
            _devices[name] = [desktop, phone];
            LoginAddresses.UnionWith([desktop, phone]);
            for (var day = 0; day < 7; day++)
            {
                // Desktop: IMAP every 20-60 minutes during the working day; phone: every 30-120 minutes from 7 to 23.
                for (var t = Start.AddDays(day).AddHours(8).AddMinutes(Jitter(0, 59)); t.Hour < 18 && day < 5; t = t.AddMinutes(Jitter(20, 60)))
                    ImapLogin(t, mailbox, desktop);
                for (var t = Start.AddDays(day).AddHours(7).AddMinutes(Jitter(0, 59)); t.Hour < 23 && t.Day == Start.AddDays(day).Day; t = t.AddMinutes(Jitter(30, 120)))
                    ImapLogin(t, mailbox, phone);
                for (var k = 0; k < Jitter(1, 8); k++)
                    Submission(Start.AddDays(day).AddHours(Jitter(7, 21)).AddMinutes(Jitter(0, 59)), mailbox, _rng.NextDouble() < 0.6 ? desktop : phone);
                // A typo on the desktop now and then: one failure, then the right password.
                if (_rng.NextDouble() < 0.08)
                {
                    var t = Start.AddDays(day).AddHours(Jitter(8, 17)).AddMinutes(Jitter(0, 59));
                    ImapFailure(t, mailbox, desktop, 1);
                    ImapLogin(t.AddSeconds(Jitter(6, 20)), mailbox, desktop);
                }
            }
        }
        // Two users changed their password and their phones kept the old one for a while (one try every few minutes).
        foreach (var name in new[] { "greta", "simon" })
        {
            var t = Start.AddDays(Jitter(1, 5)).AddHours(Jitter(9, 16));
            var phone = _devices[name][1];
            for (var k = 0; k < 3; k++)
            {
                ImapFailure(t, name + "@example.org", phone, 1);
                t = t.AddMinutes(Jitter(2, 5));
            }
            ImapLogin(t, name + "@example.org", phone);
        }
    }

    private void MailPeers()
    {
        // Other mail servers delivering to us; once a day a sender mistypes a recipient.
        string[] peers = ["209.85.218.44", "209.85.208.172", "40.92.18.101", "188.100.72.9", "91.198.174.11"];
        LegitAddresses.UnionWith(peers);
        for (var t = Start.AddMinutes(Jitter(1, 30)); t < Start + Length; t = t.AddMinutes(Jitter(3, 25)))
        {
            var peer = Pick(peers);
            var pid = NextPid();
            var name = $"mail-{Token(6).ToLowerInvariant()}.example.net";
            Mail(t, "postfix/smtpd", pid, $"connect from {name}[{peer}]");
            if (_rng.NextDouble() < 0.01)
            {
                Mail(t.AddSeconds(1), "postfix/smtpd", pid,
                    $"NOQUEUE: reject: RCPT from {name}[{peer}]: 550 5.1.1 <{Pick(MailboxNames)}x@example.org>: Recipient address rejected: User unknown in virtual mailbox table; from=<news@example.net> to=<x@example.org> proto=ESMTP helo=<{name}>");
                Mail(t.AddSeconds(1.5), "postfix/smtpd", pid, $"disconnect from {name}[{peer}] ehlo=2 starttls=1 mail=1 rcpt=0/1 quit=1 commands=5/6");
                continue;
            }
            var queue = QueueId();
            Mail(t.AddSeconds(1), "postfix/smtpd", pid, $"{queue}: client={name}[{peer}]");
            Mail(t.AddSeconds(1.2), "postfix/cleanup", NextPid(), $"{queue}: message-id=<{Token(20)}@example.net>");
            Mail(t.AddSeconds(1.3), "postfix/qmgr", 1188, $"{queue}: from=<news@example.net>, size={Jitter(2000, 90000)}, nrcpt=1 (queue active)");
            Mail(t.AddSeconds(1.5), "postfix/smtpd", pid, $"disconnect from {name}[{peer}] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7");
            Mail(t.AddSeconds(1.8), "postfix/lmtp", NextPid(), $"{queue}: to=<{Pick(MailboxNames)}@example.org>, relay=mx1[private/dovecot-lmtp], delay=0.6, delays=0.1/0/0.1/0.4, dsn=2.0.0, status=sent (250 2.0.0 <x@example.org> {Token(22)} Saved)");
            Mail(t.AddSeconds(1.9), "postfix/qmgr", 1188, $"{queue}: removed");
        }
    }

    private void Background()
    {
        // The internet's usual noise: addresses that try one invalid user, or one mail login, and never come back.
        for (var t = Start.AddMinutes(Jitter(1, 20)); t < Start + Length; t = t.AddMinutes(Jitter(4, 15)))
        {
            var ip = $"{Jitter(100, 220)}.{Jitter(0, 255)}.{Jitter(0, 255)}.{Jitter(1, 254)}";
            var pid = NextPid();
            var port = Port();
            if (_rng.NextDouble() < 0.7)
            {
                var user = Pick(["ubuntu", "oracle", "git", "postgres", "user", "pi", "ftpuser", "hadoop"]);
                Auth(t, "sshd", pid, $"Invalid user {user} from {ip} port {port}");
                Auth(t.AddSeconds(0.4), "sshd", pid, $"Connection closed by invalid user {user} {ip} port {port} [preauth]");
            }
            else
            {
                Auth(t, "sshd", pid, $"Unable to negotiate with {ip} port {port}: no matching key exchange method found. Their offer: diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1 [preauth]");
            }
        }
    }

    // ------------------------------------------------------------------ building blocks

    private IEnumerable<DateTime> WorkSessions(int day, int count)
    {
        for (var k = 0; k < count; k++)
            yield return Start.AddDays(day).AddHours(Jitter(7, 19)).AddMinutes(Jitter(0, 59)).AddSeconds(Jitter(0, 59));
    }

    /// <summary>One ssh login and its session, as OpenSSH 9.2 with PAM and LogLevel VERBOSE logs it.</summary>
    private void Session(DateTime t, string user, int uid, string ip, string method, string keyType, TimeSpan length, int logind,
        int keysBefore, int typos = 0, bool tty = true)
    {
        var pid = NextPid();
        var port = Port();
        Auth(t, "sshd", pid, $"Connection from {ip} port {port} on {ServerIp} port 22 rdomain \"\"");
        t = t.AddMilliseconds(Jitter(80, 300));
        for (var k = 0; k < keysBefore; k++)
        {
            Auth(t, "sshd", pid, $"Failed publickey for {user} from {ip} port {port} ssh2: {Pick(["RSA", "ECDSA", "ED25519"])} SHA256:{Token(43)}");
            t = t.AddMilliseconds(Jitter(20, 90));
        }
        if (method == "password")
        {
            for (var k = 0; k < typos; k++)
            {
                if (k == 0)
                    Auth(t, "sshd", pid, $"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}");
                t = t.AddSeconds(Jitter(2, 4));
                Auth(t, "sshd", pid, $"Failed password for {user} from {ip} port {port} ssh2");
                t = t.AddSeconds(Jitter(3, 9));
            }
            Auth(t, "sshd", pid, $"Accepted password for {user} from {ip} port {port} ssh2");
        }
        else
        {
            Auth(t, "sshd", pid, $"Postponed publickey for {user} from {ip} port {port} ssh2 [preauth]");
            Auth(t, "sshd", pid, $"Accepted publickey for {user} from {ip} port {port} ssh2: {keyType} SHA256:{Token(43)}");
        }
        Auth(t, "sshd", pid, $"pam_unix(sshd:session): session opened for user {user}(uid={uid}) by (uid=0)");
        var session = ++_session;
        Auth(t.AddMilliseconds(30), "systemd-logind", logind, $"New session {session} of user {user}.");
        if (tty)
            Auth(t.AddMilliseconds(60), "sshd", pid, $"User child is on pid {pid + 1}");
        var end = t + length;
        Auth(end, "sshd", pid, $"Received disconnect from {ip} port {port}:11: disconnected by user");
        Auth(end, "sshd", pid, $"Disconnected from user {user} {ip} port {port}");
        Auth(end, "sshd", pid, $"pam_unix(sshd:session): session closed for user {user}");
        Auth(end.AddMilliseconds(20), "systemd-logind", logind, $"Session {session} logged out. Waiting for processes to exit.");
        Auth(end.AddMilliseconds(25), "systemd-logind", logind, $"Removed session {session}.");
    }

    /// <summary>An agent with more keys than MaxAuthTries: sshd gives up, the user retries with the right key.</summary>
    private DateTime TooManyKeys(DateTime t, string user, string ip)
    {
        var pid = NextPid();
        var port = Port();
        Auth(t, "sshd", pid, $"Connection from {ip} port {port} on {ServerIp} port 22 rdomain \"\"");
        for (var k = 0; k < 6; k++)
        {
            t = t.AddMilliseconds(Jitter(20, 80));
            Auth(t, "sshd", pid, $"Failed publickey for {user} from {ip} port {port} ssh2: RSA SHA256:{Token(43)}");
        }
        Auth(t, "sshd", pid, $"error: maximum authentication attempts exceeded for {user} from {ip} port {port} ssh2 [preauth]");
        Auth(t, "sshd", pid, $"Disconnecting authenticating user {user} {ip} port {port}: Too many authentication failures [preauth]");
        return t.AddSeconds(Jitter(20, 90));
    }

    /// <summary>A mistyped login name: sshd calls it an invalid user; the key-only server never asks a password.</summary>
    private DateTime MistypedName(DateTime t, string typo, string ip)
    {
        var pid = NextPid();
        var port = Port();
        Auth(t, "sshd", pid, $"Connection from {ip} port {port} on {ServerIp} port 22 rdomain \"\"");
        Auth(t.AddMilliseconds(120), "sshd", pid, $"Invalid user {typo} from {ip} port {port}");
        Auth(t.AddMilliseconds(300), "sshd", pid, $"Connection closed by invalid user {typo} {ip} port {port} [preauth]");
        return t.AddSeconds(Jitter(5, 20));
    }

    private void Sudo(DateTime t, string user, int uid, string command, bool typo)
    {
        if (typo)
        {
            Auth(t, "sudo", -1, $"pam_unix(sudo:auth): authentication failure; logname={user} uid={uid} euid=0 tty=/dev/pts/0 ruser={user} rhost=  user={user}");
            t = t.AddSeconds(Jitter(3, 8));
        }
        Auth(t, "sudo", -1, $"{user,8} : TTY=pts/0 ; PWD=/home/{user} ; USER=root ; COMMAND={command}");
        Auth(t, "sudo", -1, $"pam_unix(sudo:session): session opened for user root(uid=0) by {user}(uid={uid})");
        Auth(t.AddSeconds(Jitter(1, 30)), "sudo", -1, "pam_unix(sudo:session): session closed for user root");
    }

    private void SudoNoPassword(DateTime t, string user, string command)
    {
        Auth(t, "sudo", -1, $"{user,8} : TTY=unknown ; PWD=/srv/app ; USER=root ; COMMAND={command}");
        Auth(t, "sudo", -1, $"pam_unix(sudo:session): session opened for user root(uid=0) by (uid=1004)");
        Auth(t.AddSeconds(2), "sudo", -1, "pam_unix(sudo:session): session closed for user root");
    }

    private void Su(DateTime t, string user, bool typo)
    {
        var pid = NextPid();
        if (typo)
        {
            Auth(t, "su", pid, $"pam_unix(su-l:auth): authentication failure; logname={user} uid=1003 euid=0 tty=/dev/pts/1 ruser={user} rhost=  user=root");
            Auth(t.AddSeconds(2), "su", pid, $"FAILED SU (to root) {user} on pts/1");
            pid = NextPid();
            t = t.AddSeconds(Jitter(5, 12));
        }
        Auth(t, "su", pid, $"(to root) {user} on pts/1");
        Auth(t, "su", pid, $"pam_unix(su-l:session): session opened for user root(uid=0) by {user}(uid=1003)");
        Auth(t.AddMinutes(Jitter(1, 10)), "su", pid, "pam_unix(su-l:session): session closed for user root");
    }

    private void ImapLogin(DateTime t, string mailbox, string ip)
    {
        var session = Token(16);
        var mpid = NextPid();
        Mail(t, "dovecot", -1, $"imap-login: Login: user=<{mailbox}>, method=PLAIN, rip={ip}, lip={ServerIp}, mpid={mpid}, TLS, session=<{session}>");
        Mail(t.AddMinutes(Jitter(1, 40)), "dovecot", -1,
            $"imap({mailbox})<{mpid}><{session}>: Logged out in={Jitter(50, 4000)} out={Jitter(400, 90000)} deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count={Jitter(0, 5)} body_bytes={Jitter(0, 80000)}");
    }

    /// <summary>A failed IMAP login as dovecot 2.3 logs it with auth_verbose: the auth process, then the login process.</summary>
    private void ImapFailure(DateTime t, string mailbox, string ip, int attempts)
    {
        var session = Token(16);
        for (var k = 0; k < attempts; k++)
            Mail(t.AddSeconds(2 * k), "dovecot", -1, $"auth: passwd-file({mailbox},{ip},<{session}>): Password mismatch");
        Mail(t.AddSeconds(2 * attempts + 1), "dovecot", -1,
            $"imap-login: Disconnected: Connection closed (auth failed, {attempts} attempts in {2 * attempts + 1} secs): user=<{mailbox}>, method=PLAIN, rip={ip}, lip={ServerIp}, TLS, session=<{session}>");
    }

    private void Submission(DateTime t, string mailbox, string ip)
    {
        var pid = NextPid();
        var queue = QueueId();
        var client = $"unknown[{ip}]";
        Mail(t, "postfix/submission/smtpd", pid, $"connect from {client}");
        Mail(t.AddSeconds(0.8), "postfix/submission/smtpd", pid, $"{queue}: client={client}, sasl_method=PLAIN, sasl_username={mailbox}");
        Mail(t.AddSeconds(1.0), "postfix/cleanup", NextPid(), $"{queue}: message-id=<{Token(20)}@example.org>");
        Mail(t.AddSeconds(1.1), "postfix/qmgr", 1188, $"{queue}: from=<{mailbox}>, size={Jitter(1500, 60000)}, nrcpt=1 (queue active)");
        Mail(t.AddSeconds(1.3), "postfix/submission/smtpd", pid, $"disconnect from {client} ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8");
        Mail(t.AddSeconds(2.4), "postfix/smtp", NextPid(), $"{queue}: to=<someone@example.com>, relay=mx.example.com[93.184.216.34]:25, delay=1.4, delays=0.2/0/0.5/0.7, dsn=2.0.0, status=sent (250 2.0.0 OK)");
        Mail(t.AddSeconds(2.5), "postfix/qmgr", 1188, $"{queue}: removed");
    }

    // ------------------------------------------------------------------ writing

    private void Auth(DateTime t, string program, int pid, string message) => _auth.Add(new Line(t, _sequence++, program, pid, message));

    private void Mail(DateTime t, string program, int pid, string message) => _mail.Add(new Line(t, _sequence++, program, pid, message));

    private static void Write(string path, List<Line> lines, Func<Line, string> format)
    {
        var sorted = lines.Where(l => l.Time >= Start && l.Time < Start + Length).OrderBy(l => l.Time).ThenBy(l => l.Sequence);
        var text = new StringBuilder();
        foreach (var line in sorted)
            text.Append(format(line)).Append('\n');
        File.WriteAllText(path, text.ToString());
    }

    private static string Tag(Line l) => l.Pid < 0 ? l.Tag : $"{l.Tag}[{l.Pid.ToString(CultureInfo.InvariantCulture)}]";

    private static string Rfc3164(Line l) =>
        $"{l.Time.ToString("MMM", CultureInfo.InvariantCulture)} {l.Time.Day,2} {l.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {Host} {Tag(l)}: {l.Message}";

    private static string Rfc3339(Line l) =>
        $"{l.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00:00 {Host} {Tag(l)}: {l.Message}";

    private static string Journal(Line l)
    {
        var fields = new Dictionary<string, string>
        {
            ["__REALTIME_TIMESTAMP"] = ((l.Time - DateTime.UnixEpoch).Ticks / 10).ToString(CultureInfo.InvariantCulture),
            ["_HOSTNAME"] = Host,
            ["SYSLOG_IDENTIFIER"] = l.Tag,
            ["MESSAGE"] = l.Message,
        };
        if (l.Pid >= 0)
            fields["_PID"] = l.Pid.ToString(CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(fields);
    }

    private int NextPid() => _pid = _pid >= 4_000_000 ? 2000 : _pid + _rng.Next(1, 40);

    private int Port() => _rng.Next(32768, 61000);

    private int Jitter(int min, int max) => _rng.Next(min, max + 1);

    private T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

    private string Token(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = alphabet[_rng.Next(alphabet.Length)];
        return new string(chars);
    }

    private string QueueId()
    {
        const string alphabet = "0123456789ABCDEF";
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = alphabet[_rng.Next(alphabet.Length)];
        return new string(chars);
    }

    private static string Prefix64(string address)
    {
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
