using LogSentinel.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Messaging.Tests;

/// <summary>
/// A bus with the fleet's defaults on the real local RabbitMQ (its own virtual host), reached through a proxy the
/// test cuts: the outage, as the log shows it.
/// </summary>
public sealed class BrokerOutageTests
{
    public sealed record Ping(string Text);

    public sealed class PingConsumer : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context) => Task.CompletedTask;
    }

    private static IHost Host(TcpProxy proxy, string vhost, LogCapture capture)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(capture).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<PingConsumer>();
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new RabbitMqOptions { Host = "127.0.0.1", Port = proxy.Port, VirtualHost = vhost });
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.AddRabbitMqDefaults();
        return builder.Build();
    }

    private static async Task Until(Func<bool> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Should_log_one_warning_when_the_broker_goes_away_and_one_line_when_it_is_back()
    {
        using var vhost = BrokerVirtualHost.Create();
        using var proxy = new TcpProxy(5672);
        var capture = new LogCapture();
        using var host = Host(proxy, vhost.Name, capture);
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await bus.Publish(new Ping("before"));
            var started = capture.Entries.Count;

            proxy.Cut();
            await Until(() => capture.Of<BrokerOutageLog>().Count == 1, TimeSpan.FromSeconds(30), "the outage is logged");
            // Long enough for MassTransit to try to reconnect a few times.
            await Task.Delay(TimeSpan.FromSeconds(8));
            proxy.Restore();
            await Until(() => capture.Of<BrokerOutageLog>().Count == 2, TimeSpan.FromSeconds(90), "the recovery is logged");
            await bus.Publish(new Ping("after"));

            var all = capture.Entries.Skip(started).ToList();
            var read = string.Join(Environment.NewLine, all.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name}"));
            // What an operator is told: warnings and the outage log's own lines. MassTransit may add an ordinary
            // information line of its own as the bus comes back ("Bus started"); no line carries a stack trace.
            var during = all.Where(e => e.Level >= LogLevel.Warning || e.Category == typeof(BrokerOutageLog).FullName).ToList();
            Assert.True(during.Select(e => e.Level).SequenceEqual([LogLevel.Warning, LogLevel.Information]), read);
            Assert.All(all, e => Assert.Null(e.Exception));
            Assert.StartsWith("Lost the connection to RabbitMQ at 127.0.0.1:" + proxy.Port, during[0].Message, StringComparison.Ordinal);
            Assert.Matches(@"^Connected to RabbitMQ at 127\.0\.0\.1:\d+ again after 00:00:\d\d$", during[1].Message);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
