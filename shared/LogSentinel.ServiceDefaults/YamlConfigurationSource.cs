using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using YamlDotNet.RepresentationModel;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// A YAML file as configuration: mappings become sections, sequences become indexed children (Files:0, Files:1),
/// scalars become values. A file that is not valid YAML fails with its line and column.
/// </summary>
public sealed class YamlConfigurationSource : FileConfigurationSource
{
    /// <summary>
    /// The layer added after this file that replaces its lists (<see cref="ReplacedLists"/>): a list it sets any
    /// element of is dropped from the file whole. Null: the layers merge lists by index, as configuration does.
    /// </summary>
    public IConfigurationSource? ListsReplacedBy { get; set; }

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new YamlConfigurationProvider(this, ListsReplacedBy?.Build(builder));
    }
}

/// <param name="listsReplacedBy">A provider of the same values as the later layer, read here only for its keys.</param>
public sealed class YamlConfigurationProvider(YamlConfigurationSource source, IConfigurationProvider? listsReplacedBy = null)
    : FileConfigurationProvider(source)
{
    public override void Load(Stream stream)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(stream);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"{Source.Path}: line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lists = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (yaml.Documents.Count > 0)
            Flatten(yaml.Documents[0].RootNode, null, data, lists);
        if (listsReplacedBy is not null)
        {
            listsReplacedBy.Load();
            ReplacedLists.Drop(data, lists, ConfigurationKeys.Of(listsReplacedBy));
        }
        Data = data;
    }

    private static void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> data, HashSet<string> lists)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                    Flatten(value, Combine(prefix, ((YamlScalarNode)key).Value ?? ""), data, lists);
                break;
            case YamlSequenceNode sequence:
                if (prefix is not null)
                    lists.Add(prefix);
                for (var i = 0; i < sequence.Children.Count; i++)
                    Flatten(sequence.Children[i], Combine(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), data, lists);
                break;
            case YamlScalarNode scalar when prefix is not null:
                data[prefix] = scalar.Value;
                break;
        }
    }

    private static string Combine(string? prefix, string key) => prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key;
}

public static class YamlConfigurationExtensions
{
    public static IConfigurationBuilder AddYamlFile(this IConfigurationBuilder builder, string path, bool optional) =>
        builder.Add(For(path, optional));

    /// <summary>
    /// How every LogSentinel command reads its settings: the YAML file, then the environment (Section__Key), which
    /// wins. A list the environment sets any element of (Collector__Files__0) replaces the file's list whole, as an
    /// operator expects, rather than overwriting it index by index and keeping the file's later entries.
    /// </summary>
    public static IConfigurationBuilder AddYamlFileAndEnvironment(this IConfigurationBuilder builder, string path, bool optional)
    {
        var environment = new EnvironmentVariablesConfigurationSource();
        var yaml = For(path, optional);
        yaml.ListsReplacedBy = environment;
        return builder.Add(yaml).Add(environment);
    }

    /// <summary>A source for an absolute or relative path (an absolute one gets a file provider on its own folder).</summary>
    public static YamlConfigurationSource For(string path, bool optional)
    {
        var source = new YamlConfigurationSource { Path = path, Optional = optional, ReloadOnChange = false };
        source.ResolveFileProvider();
        return source;
    }
}
