using System.Diagnostics;
using System.Text.Json;
using RabbitMQ.Client;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// A fresh virtual host on the real local RabbitMQ (started by scripts/test.sh), deleted afterwards: each run gets
/// its own exchanges and queues, so runs with one and with three replicas cannot see each other's messages.
/// </summary>
internal sealed class RabbitMqVirtualHost : IAsyncDisposable
{
    public string Name { get; } = "logsentinel-test-" + Guid.NewGuid().ToString("N")[..12];

    private IConnection? _connection;
    private IChannel? _channel;
    private string _alertQueue = "";

    public static async Task<RabbitMqVirtualHost> CreateAsync()
    {
        var vhost = new RabbitMqVirtualHost();
        Ctl("add_vhost", vhost.Name);
        Ctl("set_permissions", "-p", vhost.Name, "guest", ".*", ".*", ".*");
        var factory = new ConnectionFactory { HostName = "localhost", VirtualHost = vhost.Name };
        vhost._connection = await factory.CreateConnectionAsync();
        vhost._channel = await vhost._connection.CreateChannelAsync();
        return vhost;
    }

    /// <summary>A queue bound to the exchange alerts are published to, as the notifier's would be.</summary>
    public async Task BindAlertQueueAsync()
    {
        const string exchange = "LogSentinel.Contracts:AlertRaised";
        await _channel!.ExchangeDeclareAsync(exchange, "fanout", durable: true, autoDelete: false);
        _alertQueue = (await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await _channel.QueueBindAsync(_alertQueue, exchange, "");
    }

    /// <summary>(alert_id, revision) of every alert received so far.</summary>
    public async Task<List<(string Id, int Revision)>> TakeAlertsAsync()
    {
        var alerts = new List<(string, int)>();
        while (await _channel!.BasicGetAsync(_alertQueue, autoAck: true) is { } message)
        {
            using var document = JsonDocument.Parse(message.Body);
            var alert = document.RootElement.GetProperty("message");
            alerts.Add((alert.GetProperty("alert_id").GetString()!, alert.GetProperty("revision").GetInt32()));
        }
        return alerts;
    }

    public async Task<uint> MessagesInAsync(string queue) => (await _channel!.QueueDeclarePassiveAsync(queue)).MessageCount;

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
            await _channel.DisposeAsync();
        if (_connection is not null)
            await _connection.DisposeAsync();
        Ctl("delete_vhost", Name);
    }

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
