using YamlDotNet.RepresentationModel;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The compose file and the detector's image are checked statically (no container engine on the build machine):
/// every path they name exists, and the detector gets the state store its partitions need.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Deploy = Path.Combine(Repository.Root, "deploy");

    [Fact]
    public void Should_build_the_detector_from_an_existing_dockerfile_and_mount_existing_rules()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Deploy, "compose", "compose.yaml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var detector = (YamlMappingNode)services["detector"];
        var build = (YamlMappingNode)detector["build"];
        var context = Path.GetFullPath(Path.Combine(Deploy, "compose", build["context"].ToString()));

        Assert.Equal(Repository.Root, context.TrimEnd('/'));
        Assert.True(File.Exists(Path.Combine(context, build["dockerfile"].ToString())));
        var rules = ((YamlSequenceNode)detector["volumes"]).Single().ToString();
        var defaultRules = rules[(rules.IndexOf(":-", StringComparison.Ordinal) + 2)..rules.IndexOf('}', StringComparison.Ordinal)];
        Assert.True(Directory.Exists(Path.Combine(Deploy, "compose", defaultRules)), defaultRules);
        Assert.Contains("rabbitmq", services.Children.Keys.Select(k => k.ToString()));
        // Replicas keep partition owners and rule state in the fleet's MariaDB: the detector waits for it.
        var environment = (YamlMappingNode)detector["environment"];
        Assert.Contains("Server=mariadb;", environment["Detector__Store__ConnectionString"].ToString(), StringComparison.Ordinal);
        Assert.Contains("mariadb", ((YamlMappingNode)detector["depends_on"]).Children.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void Should_copy_only_files_that_exist_into_the_detector_image()
    {
        var copies = Dockerfiles.CopiedSources("deploy/detector/Dockerfile");

        Assert.NotEmpty(copies);
        Assert.All(copies, source => Assert.True(File.Exists(Path.Combine(Repository.Root, source)) || Directory.Exists(Path.Combine(Repository.Root, source)), source));
    }

    [Fact]
    public void Should_ship_a_detector_configuration_the_service_accepts()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .Add(ServiceDefaults.YamlConfigurationExtensions.For(Path.Combine(Deploy, "detector", "detector.yaml"), optional: false))
            .Build();
        var options = new DetectorOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(DetectorOptions.Section), options);

        Assert.Equal("/etc/logsentinel/rules", options.Rules);
        Assert.Equal(TimeSpan.FromMilliseconds(300), options.Lateness);
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true), string.Join("; ", results));
    }
}
