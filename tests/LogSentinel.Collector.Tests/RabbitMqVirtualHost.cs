using System.Diagnostics;

namespace LogSentinel.Collector.Tests;

/// <summary>
/// A fresh virtual host on the real local RabbitMQ (started by scripts/test.sh), deleted afterwards: each test gets
/// its own exchanges and queues, so queues another test or a running fleet declared cannot open the collector's gate.
/// </summary>
internal sealed class RabbitMqVirtualHost : IDisposable
{
    public string Name { get; } = "logsentinel-test-" + Guid.NewGuid().ToString("N")[..12];

    public static RabbitMqVirtualHost Create()
    {
        var vhost = new RabbitMqVirtualHost();
        Ctl("add_vhost", vhost.Name);
        Ctl("set_permissions", "-p", vhost.Name, "guest", ".*", ".*", ".*");
        return vhost;
    }

    public void Dispose() => Ctl("delete_vhost", Name);

    /// <summary>Stops or starts the broker's application (stop_app, start_app): a broker outage, virtual hosts kept.</summary>
    public static void Broker(string action) => Ctl(action);

    private static void Ctl(params string[] args)
    {
        // rabbitmqctl needs the broker's Erlang cookie: root's (scripts/test.sh runs as root or with sudo).
        var asRoot = Environment.UserName == "root";
        var info = new ProcessStartInfo(asRoot ? "rabbitmqctl" : "sudo") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!asRoot)
        {
            info.ArgumentList.Add("-n");
            info.ArgumentList.Add("rabbitmqctl");
        }
        info.ArgumentList.Add("-q");
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var err = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} failed: {err.Result}");
    }
}
