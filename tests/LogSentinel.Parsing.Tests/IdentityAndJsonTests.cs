using System.Buffers;
using System.Text;
using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;
using LogSentinel.Parsing.Identity;

namespace LogSentinel.Parsing.Tests;

public class IdentityAndJsonTests
{
    private const string Line = "Feb  5 14:34:10 web-01 sshd[10]: Failed password for root from 203.0.113.7 port 22 ssh2";

    [Fact]
    public void Should_give_the_same_line_the_same_id_every_time()
    {
        var first = ParseHelper.Single(Line);
        var second = ParseHelper.Single(Line);
        Assert.Equal(first.Event.Id, second.Event.Id);
        Assert.Matches("^[0-9a-f]{40}$", first.Event.Id);
    }

    [Fact]
    public void Should_give_different_ids_to_different_offsets_hosts_files_and_contents()
    {
        var key = EventIds.StreamKey("h", "/var/log/auth.log");
        var hash = EventIds.LineHash(Encoding.UTF8.GetBytes(Line));
        var ids = new[]
        {
            EventIds.Create(key, 0, 0, hash),
            EventIds.Create(key, 1, 0, hash),
            EventIds.Create(key, 0, 1, hash),
            EventIds.Create(key, 0, 0, hash + 1),
            EventIds.Create(EventIds.StreamKey("h2", "/var/log/auth.log"), 0, 0, hash),
            EventIds.Create(EventIds.StreamKey("h", "/var/log/mail.log"), 0, 0, hash),
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    public void Should_compute_reference_xxh64_values(string input, ulong expected) =>
        Assert.Equal(expected, XxHash64.Hash(Encoding.UTF8.GetBytes(input)));

    public static TheoryData<string> HostileLines => new()
    {
        Line,
        "Feb  5 14:34:10 web-01 sshd[10]: Invalid user <img src=x onerror=alert(1)> from 203.0.113.7 port 22",
        "Feb  5 14:34:10 web-01 sshd[10]: Invalid user \"quoted\\back'slash&+`\" from 203.0.113.7 port 22",
        "Feb  5 14:34:10 web-01 sshd[10]: Invalid user caf\u00e9-\u4e2d\u6587-\U0001F600 from 2001:db8::1 port 22",
        "Feb  5 14:34:10 web-01 sshd[10]: Invalid user tab\there from ::ffff:203.0.113.7 port 22",
        "Feb  5 14:34:10.000100 web-01 sudo:    carol : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/echo \"<x>\"",
        "Feb  5 14:34:10 web-01 sshd[10]: ROOT LOGIN REFUSED FROM 203.000.113.007",
        "2026-06-01 12:02:00,123 fail2ban.actions        [950]: NOTICE  [ssh<d>] Ban 203.0.113.31",
        "Jun  1 12:01:00 mx-01 dovecot: imap-login: Disconnected (auth failed, 2 attempts in 12 secs): user=<\u00fc>, method=PLAIN, rip=203.0.113.21, lip=192.0.2.1",
        "Feb  5 14:34:10 web-01 sshd[10]: Disconnecting: Too many authentication failures for r\u00f6\u00f6t [preauth]",
    };

    /// <summary>The `parse` command writes JSON straight from drafts; it must be exactly what the contract serializes to.</summary>
    [Theory]
    [MemberData(nameof(HostileLines))]
    public void Should_write_exactly_the_json_the_contract_serializes_to(string line)
    {
        foreach (var original in new[] { false, true })
        {
            var text = Encoding.UTF8.GetBytes(line + "\n" + line.Replace("203.0.113", "198.51.100", StringComparison.Ordinal) + "\n");
            var expected = new StringBuilder();
            Run(text, original, events: e => expected.Append(JsonSerializer.Serialize(e, ContractsJsonContext.Default.SecurityEvent)).Append('\n'));
            var written = new ArrayBufferWriter<byte>();
            Run(text, original, batch: written);
            Assert.NotEqual(0, expected.Length);
            Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(written.WrittenSpan));
        }
    }

    [Fact]
    public void Should_write_invalid_utf8_the_way_the_contract_string_holds_it()
    {
        var text = Encoding.ASCII.GetBytes("Feb  5 14:34:10 web-01 sshd[10]: Invalid user x").Concat(new byte[] { 0xFF, 0xC3 })
            .Concat(Encoding.ASCII.GetBytes(" from 203.0.113.7 port 22\n")).ToArray();
        var expected = new StringBuilder();
        Run(text, false, events: e => expected.Append(JsonSerializer.Serialize(e, ContractsJsonContext.Default.SecurityEvent)).Append('\n'));
        var written = new ArrayBufferWriter<byte>();
        Run(text, false, batch: written);
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(written.WrittenSpan));
    }

    [Fact]
    public void Should_round_trip_through_the_contract_serializer()
    {
        var e = ParseHelper.Single(Line);
        var json = JsonSerializer.Serialize(e, ContractsJsonContext.Default.SecurityEvent);
        var back = JsonSerializer.Deserialize(json, ContractsJsonContext.Default.SecurityEvent)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, ContractsJsonContext.Default.SecurityEvent));
        Assert.Contains("\"@timestamp\":\"2026-02-05T14:34:10Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"source\":{\"address\":\"203.0.113.7\",\"ip\":\"203.0.113.7\",\"port\":22}", json, StringComparison.Ordinal);
    }

    private static void Run(byte[] text, bool original, Action<SecurityEvent>? events = null, ArrayBufferWriter<byte>? batch = null)
    {
        var options = ParseHelper.Options(original: original);
        var parser = events is not null
            ? new LogParser(options, events)
            : new LogParser(options, new EventBatch(), b =>
            {
                b.WriteJsonLines(batch!);
                return b;
            });
        long offset = 0;
        foreach (var line in SplitLines(text))
        {
            parser.ParseLine(line, offset);
            offset += line.Length + 1;
        }
        parser.Flush();
        parser.CurrentBatch?.WriteJsonLines(batch!);
    }

    private static IEnumerable<byte[]> SplitLines(byte[] text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n')
                continue;
            yield return text[start..i];
            start = i + 1;
        }
    }
}
