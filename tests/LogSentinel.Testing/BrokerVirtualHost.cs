using System.Diagnostics;

namespace LogSentinel.Testing;

/// <summary>
/// A fresh virtual host on the real local RabbitMQ for guest, deleted afterwards: a test's exchanges and queues
/// see no one else's messages, and nobody else sees its.
/// </summary>
public sealed class BrokerVirtualHost : IDisposable
{
    public string Name { get; } = "logsentinel-test-" + Guid.NewGuid().ToString("N")[..12];

    public static BrokerVirtualHost Create()
    {
        var vhost = new BrokerVirtualHost();
        Ctl("add_vhost", vhost.Name);
        Ctl("set_permissions", "-p", vhost.Name, "guest", ".*", ".*", ".*");
        return vhost;
    }

    public void Dispose() => Ctl("delete_vhost", Name);

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
