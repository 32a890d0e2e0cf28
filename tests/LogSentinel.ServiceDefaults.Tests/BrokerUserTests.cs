using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace LogSentinel.ServiceDefaults.Tests;

/// <summary>One RabbitMQ user convention in every shipped file: logsentinel, its password from the environment.</summary>
public sealed partial class BrokerUserTests
{
    public static TheoryData<string> ServiceFiles => ["collector", "detector", "ai-analyzer", "notifier", "indexer"];

    [Theory]
    [MemberData(nameof(ServiceFiles))]
    public void Should_name_the_logsentinel_user_and_leave_the_password_to_the_environment(string service)
    {
        var configuration = new ConfigurationBuilder()
            .AddYamlFile(Repository.File("deploy", service, service + ".yaml"), optional: false)
            .Build();
        var rabbitMq = Assert.Single(configuration.GetChildren()).GetSection("RabbitMq");

        Assert.Equal("logsentinel", rabbitMq["Username"]);
        Assert.Null(rabbitMq["Password"]);
    }

    [Fact]
    public void Should_compose_every_service_and_the_broker_with_the_same_user_and_the_password_from_the_environment()
    {
        var compose = File.ReadAllText(Repository.File("deploy", "compose", "compose.yaml"));

        Assert.Contains("RABBITMQ_DEFAULT_USER: logsentinel", compose, StringComparison.Ordinal);
        Assert.Contains("RABBITMQ_DEFAULT_PASS: ${RABBITMQ_PASSWORD:?set RABBITMQ_PASSWORD}", compose, StringComparison.Ordinal);
        var users = ServiceUser().Matches(compose).Select(m => (m.Groups["service"].Value, m.Groups["user"].Value)).ToList();
        var passwords = ServicePassword().Matches(compose).Select(m => (m.Groups["service"].Value, m.Groups["password"].Value)).ToList();
        Assert.Equal(["Detector", "AiAnalyzer", "Notifier", "Indexer"], users.Select(u => u.Item1));
        Assert.All(users, u => Assert.Equal("logsentinel", u.Item2));
        Assert.Equal(users.Select(u => u.Item1), passwords.Select(p => p.Item1));
        Assert.All(passwords, p => Assert.Equal("${RABBITMQ_PASSWORD:?set RABBITMQ_PASSWORD}", p.Item2));
    }

    [GeneratedRegex(@"(?<service>\w+)__RabbitMq__Username: (?<user>\S+)")]
    private static partial Regex ServiceUser();

    [GeneratedRegex(@"(?<service>\w+)__RabbitMq__Password: (?<password>.+)$", RegexOptions.Multiline)]
    private static partial Regex ServicePassword();
}
