using Microsoft.Extensions.Configuration;

namespace LogSentinel.ServiceDefaults;

/// <summary>Every key a loaded configuration provider sets, found through its public interface alone.</summary>
public static class ConfigurationKeys
{
    public static IEnumerable<string> Of(IConfigurationProvider provider, string? parent = null)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = parent is null ? child : ConfigurationPath.Combine(parent, child);
            if (provider.TryGet(path, out _))
                yield return path;
            foreach (var below in Of(provider, path))
                yield return below;
        }
    }
}
