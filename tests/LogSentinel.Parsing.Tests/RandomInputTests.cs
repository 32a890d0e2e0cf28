using System.Text;

namespace LogSentinel.Parsing.Tests;

/// <summary>Property: whatever bytes arrive, the parser neither throws nor stops; every line is counted.</summary>
public class RandomInputTests
{
    private static readonly string[] Seeds =
    [
        "Feb  5 14:34:10 web-01 sshd[10]: Failed password for invalid user a from 203.0.113.7 port 22 ssh2",
        "<38>1 2026-02-05T14:34:10Z web-01 sshd 10 - [x y=\"1\"] Invalid user b from 2001:db8::1 port 1",
        "Jun  1 12:01:00 mx-01 dovecot: imap-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<bob>, method=PLAIN, rip=203.0.113.21, lip=192.0.2.1",
        "Jun  1 12:00:01 mx-01 postfix/smtpd[701]: NOQUEUE: reject: RCPT from unknown[203.0.113.12]: 554 5.7.1 Relay access denied; from=<a@b> to=<c@d>",
        "{\"__REALTIME_TIMESTAMP\":\"1767225600000000\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"MESSAGE\":\"Invalid user c from 203.0.113.5\"}",
        "2026-06-01 12:02:00,123 fail2ban.actions        [950]: NOTICE  [sshd] Ban 203.0.113.31",
        "Apr  9 10:00:00 web-01 sshd[100]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root",
        "@400000006553f10a1dcd6500 imap-login: Info: Aborted login (auth failed, 1 attempts): user=<x>, rip=203.0.113.40",
        "Apr  9 10:01:01 web-01 sudo:    dave : 3 incorrect password attempts ; TTY=pts/2 ; PWD=/home/dave ; USER=root ; COMMAND=/bin/bash",
        "Mar  2 08:15:03 web-01 sshd[4102]: message repeated 999999999 times: [ Failed password for root from 203.0.113.9 port 1 ssh2]",
    ];

    [Fact]
    public void Should_never_throw_on_random_bytes()
    {
        var random = new Random(20261121);
        var parser = new LogParser(ParseHelper.Options(), _ => { });
        for (var i = 0; i < 20_000; i++)
        {
            var line = new byte[random.Next(0, 400)];
            random.NextBytes(line);
            parser.ParseLine(line, i * 400L);
        }
        parser.Flush();
        Assert.Equal(20_000, parser.Stats.Lines);
    }

    [Fact]
    public void Should_never_throw_on_mutated_real_lines()
    {
        var random = new Random(42);
        var events = 0L;
        var parser = new LogParser(ParseHelper.Options(), _ => events++);
        long offset = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var line = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
            var mutations = random.Next(0, 6);
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(4))
                {
                    case 0 when line.Length > 0:
                        line[random.Next(line.Length)] = (byte)random.Next(256);
                        break;
                    case 1 when line.Length > 1:
                        line = line[..random.Next(line.Length)];
                        break;
                    case 2:
                        var at = random.Next(line.Length + 1);
                        line = [.. line[..at], .. "[ ]:()<>,=\"\\ from port "u8.ToArray()[random.Next(20)..], .. line[at..]];
                        break;
                    default:
                        line = [.. line, .. line];
                        break;
                }
            }
            parser.ParseLine(line, offset);
            offset += line.Length + 1;
        }
        parser.Flush();
        Assert.Equal(50_000, parser.Stats.Lines);
        Assert.True(events > 0);
        Assert.Equal(events, parser.Stats.Events);
    }

    [Fact]
    public void Should_bound_the_events_one_line_can_claim()
    {
        var events = ParseHelper.Lines(Seeds[^1]);
        Assert.Equal(new LogParserOptions { FilePath = "x", DefaultHost = "h" }.MaxEventsPerLine, events.Count);
    }
}
