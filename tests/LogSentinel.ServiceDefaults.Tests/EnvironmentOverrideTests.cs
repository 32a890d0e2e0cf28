using Microsoft.Extensions.Configuration;

namespace LogSentinel.ServiceDefaults.Tests;

/// <summary>
/// A YAML file under real environment variables, through the builder every service's `run` uses
/// (<see cref="ServiceHost.CreateBuilder"/>). The variables are the process's own: the tests of this class run one
/// after the other and remove what they set.
/// </summary>
public sealed class EnvironmentOverrideTests : IDisposable
{
    private readonly List<string> _variables = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-config-").FullName;

    public void Dispose()
    {
        foreach (var name in _variables)
            Environment.SetEnvironmentVariable(name, null);
        Directory.Delete(_dir, recursive: true);
    }

    private void Set(string name, string value)
    {
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    private static ConfigurationManager Build(string yaml) => ServiceHost.CreateBuilder(yaml, optional: false).Configuration;

    private string Yaml(string text)
    {
        var path = Path.Combine(_dir, "service.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Should_follow_exactly_the_two_files_the_environment_lists_over_the_shipped_three()
    {
        var shipped = Repository.File("deploy", "collector", "collector.yaml");
        Assert.Equal(3, Build(shipped).GetSection("Collector:Files").Get<string[]>()!.Length);

        Set("Collector__Files__0", "/srv/a.log");
        Set("Collector__Files__1", "/srv/b.log");
        var configuration = Build(shipped);

        Assert.Equal(["/srv/a.log", "/srv/b.log"], configuration.GetSection("Collector:Files").Get<string[]>()!);
        // The rest of the file still counts.
        Assert.Equal("logsentinel", configuration["Collector:RabbitMq:Username"]);
    }

    [Fact]
    public void Should_keep_the_files_list_when_the_environment_sets_other_settings()
    {
        Set("Collector__RabbitMq__Password", "from-the-environment");
        var configuration = Build(Repository.File("deploy", "collector", "collector.yaml"));

        Assert.Equal(["/var/log/auth.log", "/var/log/mail.log", "/var/log/fail2ban.log"], configuration.GetSection("Collector:Files").Get<string[]>()!);
        Assert.Equal("from-the-environment", configuration["Collector:RabbitMq:Password"]);
    }

    [Fact]
    public void Should_replace_a_list_of_objects_by_the_environment_s_elements()
    {
        var yaml = Yaml("""
            Notifier:
              Recipients:
                - Email: oncall@example.org
                  Name: On call
                - Email: security@example.org
              HomeCountry: BG
            """);
        Set("Notifier__Recipients__0__Email", "ops@example.org");
        var configuration = Build(yaml);

        var recipients = configuration.GetSection("Notifier:Recipients").GetChildren().ToList();
        var only = Assert.Single(recipients);
        Assert.Equal("ops@example.org", only["Email"]);
        Assert.Null(only["Name"]);
        Assert.Equal("BG", configuration["Notifier:HomeCountry"]);
    }
}
