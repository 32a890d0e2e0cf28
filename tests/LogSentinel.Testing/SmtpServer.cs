using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LogSentinel.Testing;

/// <summary>
/// A real SMTP server: Debian's aiosmtpd (python3-aiosmtpd, installed by the test command) on a free loopback port,
/// storing what it receives in a Maildir (read back through Python's email package) and refusing (550) recipients
/// whose address starts with "bounce".
/// </summary>
public sealed class SmtpServer : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private Process? _process;

    /// <param name="maildir">Where messages are stored (default: a new temporary folder); kept when the server stops, so a
    /// server started again on it keeps what it received.</param>
    public SmtpServer(int? port = null, string? maildir = null)
    {
        Port = port ?? FreePort();
        Maildir = maildir ?? Directory.CreateTempSubdirectory("logsentinel-smtp-").FullName;
        // A Maildir: aiosmtpd's Mailbox handler writes into tmp/ and moves into new/.
        foreach (var sub in new[] { "tmp", "new", "cur" })
            Directory.CreateDirectory(Path.Combine(Maildir, sub));
    }

    public int Port { get; }

    public string Maildir { get; }

    /// <summary>The running aiosmtpd's process id; null while stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public static SmtpServer Start(int? port = null, string? maildir = null)
    {
        var server = new SmtpServer(port, maildir);
        server.Run();
        return server;
    }

    public void Run()
    {
        _process = Process.Start(new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "rejecting_mailbox.RejectingMailbox", Maildir },
            Environment = { ["PYTHONPATH"] = AppContext.BaseDirectory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException("aiosmtpd exited: " + _process.StandardError.ReadToEnd());
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException("aiosmtpd did not listen on port " + Port);
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>The messages received so far, decoded.</summary>
    public List<ReceivedMail> Messages()
    {
        using var reader = Process.Start(new ProcessStartInfo(Python)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "read_maildir.py"), Maildir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = reader.StandardOutput.ReadToEnd();
        var errors = reader.StandardError.ReadToEnd();
        reader.WaitForExit();
        if (reader.ExitCode != 0)
            throw new InvalidOperationException("reading the Maildir failed: " + errors);
        return JsonSerializer.Deserialize<List<ReceivedMail>>(output, Json)!;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public List<ReceivedMail> WaitFor(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count || DateTime.UtcNow > deadline)
                return messages;
            Thread.Sleep(100);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Stop();
}

public sealed record ReceivedMail(string Subject, string RawSubjectHeader, string From, List<string> To, string ContentType, string? Text, string? Html, List<string> Headers, string MessageId, string RcptTo);
