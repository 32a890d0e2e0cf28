namespace LogSentinel.Detector.Tests.Corpora;

/// <summary>The attacks hidden in the week, one of each kind the default rules are meant to catch.</summary>
public sealed partial class OrdinaryWeek
{
    private void Attacks_()
    {
        var at = Start.AddDays(1).AddHours(3).AddMinutes(17);

        // A password brute force on root: 12 connections of three guesses each, PAM's lines beside sshd's.
        {
            const string ip = "61.177.172.140";
            var t = at;
            for (var c = 0; c < 12; c++)
                t = PasswordConnection(t, ip, "root", valid: true, guesses: 3).AddSeconds(Jitter(1, 4));
            Attacks.Add(new Attack("ssh password brute force", "ssh-brute-force", ip));
            Attacks.Add(new Attack("ssh root brute force", "ssh-root-brute-force", ip));
        }

        // A key-only server: the bot asks for root 40 times in two minutes and is never offered a password.
        {
            const string ip = "218.92.0.112";
            var t = at.AddHours(5);
            for (var c = 0; c < 40; c++)
            {
                var pid = NextPid();
                Auth(t, "sshd", pid, $"Connection closed by authenticating user root {ip} port {Port()} [preauth]");
                t = t.AddSeconds(Jitter(1, 5));
            }
            Attacks.Add(new Attack("key-only root probing", "ssh-root-brute-force", ip));
        }

        // Invalid-user enumeration against the key-only server: 22 names in 10 minutes.
        {
            const string ip = "5.188.10.176";
            var t = at.AddHours(9);
            string[] names = ["admin", "test", "user", "oracle", "postgres", "guest", "ubuntu", "git", "ftpuser", "pi", "mysql"];
            for (var c = 0; c < 22; c++)
            {
                var pid = NextPid();
                var port = Port();
                var name = names[c % names.Length];
                Auth(t, "sshd", pid, $"Invalid user {name} from {ip} port {port}");
                Auth(t.AddMilliseconds(200), "sshd", pid, $"Received disconnect from {ip} port {port}:11: Bye Bye [preauth]");
                Auth(t.AddMilliseconds(200), "sshd", pid, $"Disconnected from invalid user {name} {ip} port {port} [preauth]");
                t = t.AddSeconds(Jitter(15, 30));
            }
            Attacks.Add(new Attack("invalid-user enumeration", "ssh-invalid-user-enumeration", ip));
            Attacks.Add(new Attack("key-only brute force", "ssh-brute-force", ip));
        }

        // Low and slow: four password guesses 10-30 minutes apart, under fail2ban's findtime.
        {
            const string ip = "141.98.11.27";
            var t = at.AddDays(1).AddHours(1);
            for (var c = 0; c < 4; c++)
            {
                PasswordConnection(t, ip, Pick(["admin", "root", "support"]), valid: false, guesses: 1);
                t = t.AddMinutes(Jitter(10, 30));
            }
            Attacks.Add(new Attack("slow ssh brute force", "slow-brute-force", ip));
        }

        // IPv6 rotation: eight root guesses in 40 seconds, each from another address of one /64.
        {
            var t = at.AddDays(1).AddHours(6);
            for (var k = 1; k <= 8; k++)
            {
                PasswordConnection(t, $"2a0a:4cc0:100:12::{k:x}", "root", valid: true, guesses: 1);
                t = t.AddSeconds(5);
            }
            Attacks.Add(new Attack("IPv6 /64 rotation", "ssh-brute-force", Prefix64("2a0a:4cc0:100:12::1")));
        }

        // regreSSHion (CVE-2024-6387): connections that sit out LoginGraceTime, over and over.
        {
            const string ip = "193.32.162.84";
            var t = at.AddDays(2).AddHours(2);
            for (var c = 0; c < 10; c++)
            {
                var pid = NextPid();
                Auth(t.AddSeconds(120), "sshd", pid, $"fatal: Timeout before authentication for {ip} port {Port()}");
                t = t.AddSeconds(Jitter(10, 40));
            }
            Attacks.Add(new Attack("pre-authentication timeouts (CVE-2024-6387)", "ssh-preauth-exploitation", ip));
        }

        // tcp_wrappers already refuses this address; it keeps knocking.
        {
            const string ip = "80.94.95.206";
            var t = at.AddDays(2).AddHours(7);
            for (var c = 0; c < 3; c++)
            {
                Auth(t, "sshd", NextPid(), $"refused connect from {ip} ({ip})");
                t = t.AddMinutes(Jitter(1, 20));
            }
            Attacks.Add(new Attack("refused by tcp_wrappers", "ssh-refused-connection", ip));
        }

        // A fast SMTP AUTH burst: four failures in four seconds.
        {
            const string ip = "45.148.10.95";
            var t = at.AddDays(3).AddHours(1);
            var pid = NextPid();
            Mail(t, "postfix/submission/smtpd", pid, $"connect from unknown[{ip}]");
            for (var k = 0; k < 4; k++)
                Mail(t.AddSeconds(k + 1), "postfix/submission/smtpd", pid, $"warning: unknown[{ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
            Mail(t.AddSeconds(5), "postfix/submission/smtpd", pid, $"disconnect from unknown[{ip}] ehlo=1 auth=0/4 commands=1/5");
            Attacks.Add(new Attack("SMTP AUTH burst", "mail-auth-burst", ip));
        }

        // An IMAP brute force seen twice by dovecot (auth process and login process): 12 attempts in five minutes.
        {
            const string ip = "222.186.42.7";
            var t = at.AddDays(3).AddHours(4);
            for (var c = 0; c < 4; c++)
            {
                ImapFailure(t, Pick(["info@example.org", "anna@example.org", "office@example.org"]), ip, 3);
                t = t.AddSeconds(Jitter(30, 80));
            }
            Attacks.Add(new Attack("IMAP brute force", "mail-brute-force", ip));
        }

        // Bait accounts: fifteen addresses, one SASL failure each, for names no mailbox here has.
        {
            var t = at.AddDays(4);
            string[] bait = ["postmaster@example.org", "admin@example.org", "test@example.org", "support@example.org", "billing@example.org", "monitor@example.org"];
            for (var k = 0; k < 15; k++)
            {
                var ip = $"{Jitter(100, 200)}.{Jitter(0, 255)}.{Jitter(0, 255)}.{Jitter(1, 254)}";
                var pid = NextPid();
                Mail(t, "postfix/submission/smtpd", pid, $"connect from unknown[{ip}]");
                Mail(t.AddSeconds(2), "postfix/submission/smtpd", pid, $"warning: unknown[{ip}]: SASL PLAIN authentication failed: authentication failure, sasl_username={Pick(bait)}");
                Mail(t.AddSeconds(3), "postfix/submission/smtpd", pid, $"disconnect from unknown[{ip}] ehlo=1 auth=0/1 commands=1/2");
                Attacks.Add(new Attack("bait account", "mail-bait-account", ip));
                t = t.AddMinutes(Jitter(3, 40));
            }
        }

        // Mail, low and slow: four IMAP guesses 20-30 minutes apart.
        {
            const string ip = "116.31.116.52";
            var t = at.AddDays(4).AddHours(8);
            for (var c = 0; c < 4; c++)
            {
                ImapFailure(t, "anna@example.org", ip, 1);
                t = t.AddMinutes(Jitter(20, 30));
            }
            Attacks.Add(new Attack("slow IMAP brute force", "slow-brute-force", ip));
        }

        // A web scanner speaking HTTP to port 25.
        {
            const string ip = "185.220.101.33";
            var t = at.AddDays(4).AddHours(12);
            var pid = NextPid();
            Mail(t, "postfix/smtpd", pid, $"connect from unknown[{ip}]");
            Mail(t.AddSeconds(1), "postfix/smtpd", pid, $"warning: non-SMTP command from unknown[{ip}]: GET / HTTP/1.1");
            Mail(t.AddSeconds(1), "postfix/smtpd", pid, $"disconnect from unknown[{ip}] unknown=0/1 commands=0/1");
            Attacks.Add(new Attack("HTTP probe to port 25", "smtp-non-smtp-command", ip));
        }

        // Open-relay probing.
        {
            const string ip = "200.160.2.77";
            var t = at.AddDays(5).AddHours(2);
            for (var k = 0; k < 3; k++)
            {
                var pid = NextPid();
                Mail(t, "postfix/smtpd", pid, $"connect from unknown[{ip}]");
                Mail(t.AddSeconds(2), "postfix/smtpd", pid,
                    $"NOQUEUE: reject: RCPT from unknown[{ip}]: 554 5.7.1 <check{k}@relay-test.example.com>: Relay access denied; from=<spameri@tiscali.it> to=<check{k}@relay-test.example.com> proto=ESMTP helo=<{ServerIp}>");
                Mail(t.AddSeconds(3), "postfix/smtpd", pid, $"disconnect from unknown[{ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4");
                t = t.AddMinutes(Jitter(1, 3));
            }
            Attacks.Add(new Attack("open-relay probing", "smtp-relay-probing", ip));
        }

        // A guessed mail password: eight failures, then the attacker logs in as frank.
        {
            const string ip = "185.165.190.17";
            var t = at.AddDays(5).AddHours(5);
            for (var c = 0; c < 4; c++)
            {
                ImapFailure(t, "frank@example.org", ip, 2);
                t = t.AddSeconds(Jitter(20, 60));
            }
            ImapLogin(t, "frank@example.org", ip);
            Attacks.Add(new Attack("guessed mail password", "login-after-failures", ip));
            LegitUsers.Remove("frank@example.org");
        }

        // Impossible travel: erin's mailbox logs in from her phone in Germany and, two minutes later, from Brazil.
        {
            var t = at.AddDays(5).AddHours(9);
            var phone = _devices["erin"][1];
            ImapLogin(t, "erin@example.org", phone);
            ImapLogin(t.AddMinutes(2), "erin@example.org", "200.160.7.19");
            Attacks.Add(new Attack("impossible travel", "impossible-travel", "erin@example.org"));
            LegitUsers.Remove("erin@example.org");
            LoginAddresses.Remove(phone);
        }

        // Local: the web server's account tries PwnKit, a compromised account tries sudo, another account gets locked.
        {
            var t = at.AddDays(5).AddHours(14);
            var pid = NextPid();
            Auth(t, "pkexec", pid, "www-data: The value for the SHELL variable was not found the /etc/shells file [USER=root] [TTY=/dev/pts/3] [CWD=/tmp/.x] [COMMAND=GCONV_PATH=./gconv PATH=GCONV_PATH=. SHELL=/fake/shell CHARSET=PWNKIT]");
            Attacks.Add(new Attack("PwnKit (CVE-2021-4034)", "pkexec-exploit", "www-data|" + Host));
            LegitUsers.Remove("www-data");

            Auth(t.AddMinutes(30), "sudo", -1, "mallory : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash");
            Attacks.Add(new Attack("sudo by an account not in sudoers", "sudo-not-allowed", "mallory|" + Host));

            Auth(t.AddHours(2), "su", NextPid(), "pam_faillock(su:auth): Consecutive login failures for user root account temporarily locked");
            Attacks.Add(new Attack("account locked by pam_faillock", "account-locked", "root|" + Host));
            LegitUsers.Remove("root");
        }
    }

    /// <summary>One password connection as Debian's sshd with PAM logs it: PAM's line, sshd's guesses, the close, PAM's count.</summary>
    private DateTime PasswordConnection(DateTime t, string ip, string user, bool valid, int guesses)
    {
        var pid = NextPid();
        var port = Port();
        var who = valid ? user : "invalid user " + user;
        if (!valid)
            Auth(t, "sshd", pid, $"Invalid user {user} from {ip} port {port}");
        t = t.AddMilliseconds(Jitter(300, 900));
        Auth(t, "sshd", pid, valid
            ? $"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}"
            : $"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip} ");
        for (var k = 0; k < guesses; k++)
        {
            t = t.AddSeconds(Jitter(2, 3));
            Auth(t, "sshd", pid, $"Failed password for {who} from {ip} port {port} ssh2");
        }
        t = t.AddMilliseconds(Jitter(50, 400));
        Auth(t, "sshd", pid, $"Connection closed by {(valid ? "authenticating user " + user : who)} {ip} port {port} [preauth]");
        if (guesses > 1)
            Auth(t, "sshd", pid, $"PAM {guesses - 1} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}{(valid ? "  user=" + user : "")}");
        return t;
    }
}
