using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// A YAML file as configuration: mappings become sections, sequences become indexed children (Files:0, Files:1),
/// scalars become values. A file that is not valid YAML fails with its line and column.
/// </summary>
public sealed class YamlConfigurationSource : FileConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new YamlConfigurationProvider(this);
    }
}

public sealed class YamlConfigurationProvider(YamlConfigurationSource source) : FileConfigurationProvider(source)
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
        if (yaml.Documents.Count > 0)
            Flatten(yaml.Documents[0].RootNode, null, data);
        Data = data;
    }

    private static void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> data)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                    Flatten(value, Combine(prefix, ((YamlScalarNode)key).Value ?? ""), data);
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                    Flatten(sequence.Children[i], Combine(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), data);
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

    /// <summary>A source for an absolute or relative path (an absolute one gets a file provider on its own folder).</summary>
    public static YamlConfigurationSource For(string path, bool optional)
    {
        var source = new YamlConfigurationSource { Path = path, Optional = optional, ReloadOnChange = false };
        source.ResolveFileProvider();
        return source;
    }
}
