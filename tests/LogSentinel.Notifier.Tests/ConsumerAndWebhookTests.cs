using System.Collections.Concurrent;
using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Notifier.Consumers;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static LogSentinel.Notifier.Tests.Samples;

namespace LogSentinel.Notifier.Tests;

/// <summary>The consumers on MassTransit's test harness, wired by the service's own registration, and the webhook against a real HTTP server.</summary>
public sealed class ConsumerAndWebhookTests
{
    private static ServiceProvider Services(int smtpPort, Dictionary<string, string?>? settings = null) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Notifier:Smtp:Host"] = "127.0.0.1",
                ["Notifier:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Notifier:Smtp:StartTls"] = "false",
                ["Notifier:Smtp:From"] = "logsentinel@example.org",
                ["Notifier:Smtp:MaxRetries"] = "0",
                ["Notifier:Recipients:critical:0"] = "oncall@example.org",
                ["Notifier:Recipients:high:0"] = "security@example.org",
                ["Notifier:StateDirectory"] = Directory.CreateTempSubdirectory("logsentinel-notifier-").FullName,
                ["Notifier:RedeliveryIntervals:0"] = "00:00:00.100",
            }).AddInMemoryCollection(settings ?? []).Build())
            .AddLogging()
            .AddNotifier()
            .AddMassTransitTestHarness(bus => bus.AddNotifierConsumers())
            .BuildServiceProvider(true);

    [Fact]
    public async Task Should_email_alerts_and_analyses_from_the_bus_without_faults()
    {
        using var smtp = SmtpServer.Start();
        await using var provider = Services(smtp.Port);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Alert());
        await harness.Bus.Publish(Analysis());

        Assert.True(await harness.GetConsumerHarness<AlertRaisedConsumer>().Consumed.Any<AlertRaised>());
        Assert.True(await harness.GetConsumerHarness<WindowAnalyzedConsumer>().Consumed.Any<WindowAnalyzed>());
        Assert.False(await harness.Published.Any<Fault<AlertRaised>>());
        Assert.False(await harness.Published.Any<Fault<WindowAnalyzed>>());
        Assert.Equal(2, smtp.WaitFor(2).Count);
    }

    [Fact]
    public async Task Should_fault_a_message_that_keeps_failing_instead_of_dropping_it()
    {
        await using var provider = Services(SmtpServer.FreePort());
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Alert());

        Assert.True(await harness.Published.Any<Fault<AlertRaised>>(), "the message went to the error path");
        var fault = harness.Published.Select<Fault<AlertRaised>>().First().Context.Message;
        Assert.Equal("al1", fault.Message.AlertId);
    }

    [Fact]
    public async Task Should_post_to_the_webhook_and_retry_a_server_error()
    {
        var bodies = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/hooks/logsentinel", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            bodies.Enqueue(await reader.ReadToEndAsync());
            context.Response.StatusCode = bodies.Count == 1 ? 502 : 200;
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/logsentinel";
        using var dispatcher = Build.Dispatcher(Build.Options(SmtpServer.FreePort(), configure: o =>
        {
            o.Recipients.Clear();
            o.Webhook.Url = new Uri(url);
        }));

        await dispatcher.HandleAsync(Alert(offender: "<!channel> " + HostileUser), CancellationToken.None);
        await dispatcher.HandleAsync(Alert(offender: "<!channel> " + HostileUser), CancellationToken.None);
        await dispatcher.HandleAsync(Alert("quiet", severity: "low"), CancellationToken.None);

        Assert.Equal(2, bodies.Count);
        var text = JsonDocument.Parse(bodies.Last()).RootElement.GetProperty("text").GetString()!;
        Assert.StartsWith("[HIGH] deb-mail-01: SSH brute force — &lt;!channel&gt; &lt;img src=x onerror=alert(1)&gt;", text, StringComparison.Ordinal);
        Assert.DoesNotContain('<', text);
    }
}
