using System.Text;

namespace LogSentinel.Parsing.Benchmarks;

/// <summary>A deterministic auth.log-like byte stream with the mix a Debian server sees: mostly cron and session noise,
/// sshd brute force and scanners, some mail authentication failures.</summary>
public static class SampleLog
{
    private static readonly string[] Templates =
    [
        "CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        "CRON[{pid}]: pam_unix(cron:session): session closed for user root",
        "CRON[{pid}]: pam_unix(cron:session): session opened for user www-data(uid=33) by (uid=0)",
        "sshd[{pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root",
        "sshd[{pid}]: Failed password for root from {ip} port {port} ssh2",
        "sshd[{pid}]: Failed password for invalid user admin from {ip} port {port} ssh2",
        "sshd[{pid}]: Invalid user oracle from {ip} port {port}",
        "sshd[{pid}]: Connection closed by invalid user oracle {ip} port {port} [preauth]",
        "sshd[{pid}]: Received disconnect from {ip} port {port}:11: Bye Bye [preauth]",
        "sshd[{pid}]: error: kex_exchange_identification: Connection closed by remote host",
        "sshd[{pid}]: Connection closed by {ip} port {port}",
        "sshd[{pid}]: Unable to negotiate with {ip} port {port}: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]",
        "sshd[{pid}]: Accepted publickey for deploy from 192.0.2.50 port {port} ssh2: ED25519 SHA256:Q2hhbmdlIG1lIHBsZWFzZQ",
        "sshd[{pid}]: pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)",
        "systemd-logind[412]: New session {pid} of user deploy.",
        "sudo:   deploy : TTY=pts/0 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl restart app.service",
        "postfix/smtpd[{pid}]: warning: unknown[{ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
        "postfix/smtpd[{pid}]: connect from unknown[{ip}]",
        "dovecot: imap-login: Disconnected (auth failed, 2 attempts in 5 secs): user=<sales>, method=PLAIN, rip={ip}, lip=192.0.2.25, TLS, session=<Zm9vYmFy>",
    ];

    private static readonly int[] Weights = [18, 18, 6, 6, 8, 3, 3, 3, 4, 2, 2, 2, 3, 3, 3, 3, 2, 2, 2];

    public static byte[] Build(int lines, int seed = 1)
    {
        var random = new Random(seed);
        var total = Weights.Sum();
        var text = new StringBuilder(lines * 110);
        var time = new DateTime(2026, 3, 2, 0, 0, 0);
        for (var i = 0; i < lines; i++)
        {
            time = time.AddMilliseconds(random.Next(0, 5000));
            var pick = random.Next(total);
            var t = 0;
            while (pick >= Weights[t])
                pick -= Weights[t++];
            var ip = $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
            // RFC 3164: the day of month is padded with a space ("Mar  2").
            text.Append(time.ToString("MMM ", System.Globalization.CultureInfo.InvariantCulture))
                .Append(time.Day.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(2))
                .Append(time.ToString(" HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture))
                .Append(" web-01 ")
                .Append(Templates[t].Replace("{pid}", (1000 + i % 30000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("{ip}", ip, StringComparison.Ordinal)
                    .Replace("{port}", random.Next(1024, 65535).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                .Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
