using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LogSentinel.Collector.Reading;

namespace LogSentinel.Collector.Tests;

public sealed class ParseCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-parse-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string AuthLog =
        "Mar  2 08:15:01 web-01 sshd[4100]: Failed password for root from 203.0.113.7 port 50122 ssh2\n"
        + "Mar  2 08:15:02 web-01 CRON[4101]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n"
        + "Mar  2 08:15:03 web-01 sshd[4102]: Invalid user <script> from 203.0.113.8 port 33000\n"
        + "not a log line at all\n"
        + "Mar  2 08:15:04 web-01 sshd[4103]: Accepted publickey for deploy from 192.0.2.50 port 51000 ssh2: RSA SHA256:Zm9v\n";

    [Fact]
    public void Should_write_one_ecs_object_per_event_and_count_everything()
    {
        var path = Write("auth.log", AuthLog);
        using var output = new MemoryStream();
        var errors = new StringWriter();
        var summary = LogFileParse.Run([path], new LogFileParse.Settings { Year = 2026, TimeZone = TimeZoneInfo.Utc, Host = "collector" }, output, errors);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(5, summary.Lines);
        Assert.Equal(3, summary.Events);
        Assert.Equal(1, summary.Unframed);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("ssh_login_failed", first.RootElement.GetProperty("event").GetProperty("action").GetString());
        Assert.Equal(0, first.RootElement.GetProperty("log").GetProperty("offset").GetInt64());
        Assert.Equal(path, first.RootElement.GetProperty("log").GetProperty("file").GetProperty("path").GetString());
        // Attacker-written text stays data: escaped in the JSON, intact once read back.
        Assert.DoesNotContain("<script>", lines[1], StringComparison.Ordinal);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("<script>", second.RootElement.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("", errors.ToString());
    }

    [Fact]
    public void Should_report_an_unreadable_file_and_go_on_with_the_others()
    {
        var path = Write("auth.log", AuthLog);
        using var output = new MemoryStream();
        var errors = new StringWriter();
        var summary = LogFileParse.Run([Path.Combine(_dir, "missing.log"), path], new LogFileParse.Settings { Year = 2026 }, output, errors);
        Assert.Equal(1, summary.FailedFiles);
        Assert.Equal(3, summary.Events);
        Assert.Contains("missing.log", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_event_order_and_ids_across_many_batches()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
            text.Append($"Mar  2 08:15:01 web-01 sshd[{i}]: Failed password for root from 203.0.{i % 250}.7 port {i % 60000} ssh2\n");
        var path = Write("big.log", text.ToString());
        using var output = new MemoryStream();
        LogFileParse.Run([path], new LogFileParse.Settings { Year = 2026 }, output, TextWriter.Null);
        var offsets = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Offset: e.GetProperty("log").GetProperty("offset").GetInt64(), Id: e.GetProperty("event").GetProperty("id").GetString()))
            .ToList();
        Assert.Equal(20_000, offsets.Count);
        Assert.True(offsets.Zip(offsets.Skip(1)).All(p => p.First.Offset < p.Second.Offset));
        Assert.Equal(20_000, offsets.Select(o => o.Id).Distinct().Count());
    }

    /// <summary>The parallel pipeline (chunks, two scanners, in-order completion, writer) against line-by-line parsing.</summary>
    [Fact]
    public void Should_write_exactly_what_line_by_line_parsing_gives_on_a_multi_chunk_file()
    {
        var text = new StringBuilder();
        var random = new Random(7);
        var months = new[] { "Nov", "Dec", "Jan", "Feb" };
        for (var i = 0; i < 60_000; i++)
        {
            var month = months[i / 15_000];
            var stamp = $"{month} {1 + i % 28,2} 10:{i / 60 % 60:00}:{i % 60:00}";
            text.Append((i % 11) switch
            {
                0 => $"{stamp} web-01 sshd[{i % 500}]: Connection from 203.0.113.{i % 250} port {i % 60000} on 192.0.2.1 port 22\n",
                1 => $"{stamp} web-01 sshd[{i % 500}]: Disconnecting: Too many authentication failures [preauth]\n",
                2 => $"web-01 sshd[{i % 500}]: Failed password for root from 203.0.113.{i % 250} port 22 ssh2\n",
                3 => "{\"__REALTIME_TIMESTAMP\":\"1767312000000000\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"9\",\"MESSAGE\":\"Invalid user j from 198.51.100.9\"}\n",
                4 => $"{stamp} web-01 sshd[{i % 500}]: error: kex_exchange_identification: Connection closed by remote host\n",
                5 => $"{stamp} web-01 sshd[{i % 500}]: Connection closed by 198.51.100.{i % 200} port 1\n",
                6 => $"{stamp} web-01 dovecot: imap-login: Disconnected (auth failed, {1 + i % 3} attempts in 2 secs): user=<u{i}>, method=PLAIN, rip=203.0.113.{i % 250}, lip=192.0.2.1\n",
                7 => $"{stamp} web-01 CRON[{i}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n",
                8 => new string('z', random.Next(0, 3) == 0 ? 70_000 : 10) + "\n",
                _ => $"{stamp} web-01 sudo:   u{i % 7} : 1 incorrect password attempt ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh\n",
            });
        }
        var path = Write("multi.log", text.ToString());
        using var parallel = new MemoryStream();
        var summary = LogFileParse.Run([path], new LogFileParse.Settings { Year = 2025, Host = "h", TimeZone = TimeZoneInfo.Utc }, parallel, TextWriter.Null);

        var expected = new System.Buffers.ArrayBufferWriter<byte>();
        var sequential = new LogSentinel.Parsing.LogParser(new LogSentinel.Parsing.LogParserOptions
        {
            FilePath = path,
            DefaultHost = "h",
            Year = 2025,
            TimeZone = TimeZoneInfo.Utc,
            ReferenceTime = File.GetLastWriteTime(path),
        }, new LogSentinel.Parsing.EventBatch(), b =>
        {
            b.WriteJsonLines(expected);
            return b;
        });
        var bytes = File.ReadAllBytes(path);
        var start = 0;
        while (start < bytes.Length)
        {
            var nl = Array.IndexOf(bytes, (byte)'\n', start);
            var end = nl < 0 ? bytes.Length : nl;
            sequential.ParseLine(bytes.AsSpan(start, end - start), start);
            start = end + 1;
        }
        sequential.Flush();
        sequential.CurrentBatch!.WriteJsonLines(expected);

        Assert.True(bytes.Length > 4 * 256 * 1024, "the file must span several chunks");
        Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(parallel.ToArray()));
        Assert.Equal(sequential.Stats.Events, summary.Events);
        Assert.Equal(sequential.Stats.Lines, summary.Lines);
        Assert.Equal(sequential.Stats.Oversize, summary.Oversize);
        Assert.True(summary.Oversize > 0);
    }

    [Fact]
    public async Task Should_run_as_the_logsentinel_collector_executable()
    {
        var path = Write("auth.log", AuthLog);
        var exe = Path.Combine(AppContext.BaseDirectory, "logsentinel-collector.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { exe, "parse", "--year", "2026", "--host", "h1", "--timezone", "UTC", path })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, process.ExitCode);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        Assert.Matches(@"^parse: 1 files, 5 lines read, 3 events, 1 skipped", await stderr);
        Assert.Contains("\"@timestamp\":\"2026-03-02T08:15:01Z\"", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_bad_year_with_a_clear_error()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "logsentinel-collector.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { exe, "parse", "--year", "12", Write("a.log", "") })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit(60_000);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("--year must be between 1970 and 9998", stderr, StringComparison.Ordinal);
    }
}
