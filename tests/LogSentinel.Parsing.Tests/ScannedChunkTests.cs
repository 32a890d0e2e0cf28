using System.Buffers;
using System.Text;
using LogSentinel.Parsing.Scanning;

namespace LogSentinel.Parsing.Tests;

/// <summary>
/// Scanning chunks ahead of the stream's state (<see cref="LineScanner"/>) and completing them in order must give
/// exactly the events of parsing line by line, wherever the chunk boundaries fall.
/// </summary>
public class ScannedChunkTests
{
    /// <summary>Lines chosen to exercise every piece of state that crosses lines.</summary>
    private static readonly string[] Mixed =
    [
        "Dec 31 23:59:50 web-01 CRON[1]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        "Dec 31 23:59:58 web-01 sshd[10]: Connection from 203.0.113.9 port 4000 on 192.0.2.1 port 22",
        "Jan  1 00:00:01 web-01 CRON[2]: pam_unix(cron:session): session closed for user root",
        "Jan  1 00:00:30 web-01 CRON[5]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        "web-01 sshd[10]: Failed password for root from 203.0.113.9 port 4000 ssh2",
        "Jan  1 00:00:02 web-01 sshd[10]: Disconnecting: Too many authentication failures for root [preauth]",
        "Jan  1 00:00:03 web-01 sshd[11]: error: kex_exchange_identification: Connection closed by remote host",
        "Jan  1 00:00:03 web-01 CRON[3]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        "Jan  1 00:00:04 web-01 sshd[11]: Connection closed by 198.51.100.4 port 5000",
        "Feb 30 00:00:05 web-01 sshd[12]: Failed password for root from 203.0.113.10 port 1 ssh2",
        "Jul  4 10:00:00 web-01 sshd[13]: Failed password for root from 203.0.113.11 port 1 ssh2",
        "Jan  2 00:00:06 web-01 sshd[14]: Invalid user x from 203.0.113.12 port 7",
        "Jan  2 00:00:07 web-01 sshd[14]: Failed password for invalid user x from 6.6.6.6 port 1 ssh2: y from 203.0.113.12 port 7 ssh2",
        "{\"__REALTIME_TIMESTAMP\":\"1767312000000000\",\"_HOSTNAME\":\"db-01\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"14\",\"MESSAGE\":\"Failed password for root from 203.0.113.13 port 2 ssh2\"}",
        "db-01 sshd[14]: Invalid user after-journal from 203.0.113.14 port 3",
        "2026-06-01 12:02:00,123 fail2ban.actions        [950]: NOTICE  [sshd] Ban 203.0.113.31",
        "not a log line",
        "",
        "Jan  2 00:00:08 web-01 sshd[15]: message repeated 3 times: [ Failed password for root from 203.0.113.15 port 9 ssh2]",
        "Jan  2 00:00:09 web-01 dovecot: imap-login: Disconnected (auth failed, 2 attempts in 5 secs): user=<a>, method=PLAIN, rip=203.0.113.16, lip=192.0.2.1",
        "Jan  2 00:00:10 web-01 sudo:   carol : 2 incorrect password attempts ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh",
        "Jan  2 00:00:11 web-01 sshd[16]: Disconnecting: Too many authentication failures [preauth]",
        "Jan  2 00:00:12 web-01 postfix/smtpd[17]: warning: unknown[203.0.113.17]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
        "Jan  2 00:00:13 web-01 sshd[16]: Received disconnect from 203.0.113.18 port 9:11: Bye Bye [preauth]",
        "Mar  3 00:00:14 web-01 sshd[18]: Invalid user \u00fc<b> from 2001:db8::18 port 1",
        // Attempt counting: lines that restate one attempt, across processes, pids and back-end modules.
        "Mar  3 00:01:00 web-01 sshd[19]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.19  user=root",
        "Mar  3 00:01:02 web-01 sshd[19]: Failed password for root from 203.0.113.19 port 9 ssh2",
        "Mar  3 00:01:03 web-01 sshd[19]: Connection closed by authenticating user root 203.0.113.19 port 9 [preauth]",
        "Mar  3 00:01:04 web-01 sshd[19]: Connection closed by authenticating user root 203.0.113.20 port 9 [preauth]",
        "Mar  3 00:01:05 web-01 sudo: pam_unix(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
        "Mar  3 00:01:06 web-01 sudo: pam_sss(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
        "Mar  3 00:01:07 web-01 su[20]: pam_unix(su-l:auth): authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/2 ruser=bob rhost=  user=root",
        "Mar  3 00:01:08 web-01 su[20]: FAILED SU (to root) bob on pts/2",
        "Mar  3 00:01:09 web-01 dovecot: auth: passwd-file(eve,203.0.113.21,<s1>): unknown user",
        "Mar  3 00:01:09 web-01 dovecot: auth-worker(300): pam(eve,203.0.113.21,<s1>): pam_authenticate() failed: Authentication failure (Password mismatch?)",
        "Mar  3 00:01:10 web-01 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<eve>, method=PLAIN, rip=203.0.113.21, lip=192.0.2.1, TLS, session=<s1>",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(100)]
    public void Should_give_exactly_the_events_of_line_by_line_parsing(int linesPerChunk)
    {
        foreach (var year in new int?[] { 2025, null })
        {
            var text = Encoding.UTF8.GetBytes(string.Join('\n', Mixed.Concat(Mixed)) + "\n");
            Assert.Equal(LineByLine(text, year), Chunked(text, year, linesPerChunk));
        }
    }

    [Fact]
    public void Should_count_lines_the_same_way()
    {
        var text = Encoding.UTF8.GetBytes(string.Join('\n', Mixed) + "\nlast line without feed");
        var sequential = new LogParser(ParseHelper.Options(), _ => { });
        var chunked = new LogParser(ParseHelper.Options(), new EventBatch(), b =>
        {
            b.Clear();
            return b;
        });
        Feed(text, sequential);
        var chunk = Fill(text, 0, text.Length);
        new LineScanner(ParseHelper.Options()).Scan(chunk);
        chunked.Complete(chunk);
        Assert.Equal(sequential.Stats.ToString(), chunked.Stats.ToString());
        Assert.Equal(sequential.Stats.Events, chunked.Stats.Events);
    }

    private static string LineByLine(byte[] text, int? year)
    {
        var output = new ArrayBufferWriter<byte>();
        var parser = new LogParser(ParseHelper.Options(year: year), new EventBatch(), b =>
        {
            b.WriteJsonLines(output);
            return b;
        });
        Feed(text, parser);
        parser.Flush();
        parser.CurrentBatch!.WriteJsonLines(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Chunked(byte[] text, int? year, int linesPerChunk)
    {
        var output = new ArrayBufferWriter<byte>();
        var parser = new LogParser(ParseHelper.Options(year: year), new EventBatch(), b =>
        {
            b.WriteJsonLines(output);
            return b;
        });
        // Two scanners take turns, as worker threads would: neither may carry anything from chunk to chunk.
        var scanners = new[] { new LineScanner(ParseHelper.Options()), new LineScanner(ParseHelper.Options()) };
        var start = 0;
        var turn = 0;
        while (start < text.Length)
        {
            var end = start;
            for (var n = 0; n < linesPerChunk && end < text.Length; n++)
            {
                var nl = Array.IndexOf(text, (byte)'\n', end);
                end = nl < 0 ? text.Length : nl + 1;
            }
            var chunk = Fill(text, start, end);
            scanners[turn++ % 2].Scan(chunk);
            parser.Complete(chunk);
            start = end;
        }
        parser.Flush();
        parser.CurrentBatch!.WriteJsonLines(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static ScannedChunk Fill(byte[] text, int start, int end)
    {
        var chunk = new ScannedChunk();
        text.AsSpan(start, end - start).CopyTo(chunk.Buffer);
        chunk.Length = end - start;
        chunk.Offset = start;
        return chunk;
    }

    private static void Feed(byte[] text, LogParser parser)
    {
        var start = 0;
        while (start < text.Length)
        {
            var nl = Array.IndexOf(text, (byte)'\n', start);
            var end = nl < 0 ? text.Length : nl;
            parser.ParseLine(text.AsSpan(start, end - start), start);
            start = end + 1;
        }
    }
}
