namespace LogSentinel.ServiceDefaults.Tests;

/// <summary>The rule alone: which of an earlier layer's keys a later layer's keys remove.</summary>
public sealed class ReplacedListsTests
{
    private static Dictionary<string, string?> Earlier(params string[] keys) =>
        keys.ToDictionary(k => k, k => (string?)("file:" + k), StringComparer.OrdinalIgnoreCase);

    private static HashSet<string> Lists(params string[] paths) => new(paths, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Should_drop_the_whole_list_when_a_later_layer_sets_any_of_its_elements()
    {
        var earlier = Earlier("Collector:Files:0", "Collector:Files:1", "Collector:Files:2", "Collector:StartAtEnd");
        ReplacedLists.Drop(earlier, Lists("Collector:Files"), ["Collector:Files:1"]);
        Assert.Equal(["Collector:StartAtEnd"], earlier.Keys);
    }

    [Fact]
    public void Should_leave_every_list_alone_when_the_later_layer_sets_none_of_their_elements()
    {
        var earlier = Earlier("Collector:Files:0", "Collector:Files:1", "Collector:StartAtEnd");
        ReplacedLists.Drop(earlier, Lists("Collector:Files"), ["Collector:StartAtEnd", "Collector:RabbitMq:Password", "Collector:Files"]);
        Assert.Equal(3, earlier.Count);
    }

    [Fact]
    public void Should_drop_every_field_of_every_element_of_a_list_of_objects()
    {
        var earlier = Earlier("Notifier:Recipients:0:Email", "Notifier:Recipients:0:Name", "Notifier:Recipients:1:Email", "Notifier:HomeCountry");
        ReplacedLists.Drop(earlier, Lists("Notifier:Recipients"), ["Notifier:Recipients:0:Email"]);
        Assert.Equal(["Notifier:HomeCountry"], earlier.Keys);
    }

    [Fact]
    public void Should_replace_only_the_list_the_later_key_is_in()
    {
        var earlier = Earlier("Notifier:Recipients:critical:0", "Notifier:Recipients:critical:1", "Notifier:Recipients:high:0");
        ReplacedLists.Drop(earlier, Lists("Notifier:Recipients:critical", "Notifier:Recipients:high"), ["notifier:recipients:CRITICAL:0"]);
        Assert.Equal(["Notifier:Recipients:high:0"], earlier.Keys);
    }

    [Fact]
    public void Should_replace_the_outer_list_when_the_later_key_is_in_a_list_within_a_list()
    {
        var earlier = Earlier("Jobs:0:Steps:0", "Jobs:0:Steps:1", "Jobs:1:Steps:0");
        ReplacedLists.Drop(earlier, Lists("Jobs", "Jobs:0:Steps", "Jobs:1:Steps"), ["Jobs:1:Steps:3"]);
        Assert.Empty(earlier);
    }

    [Fact]
    public void Should_keep_a_mapping_whose_keys_look_like_numbers()
    {
        // Ports: {"22": ssh}: a mapping in the file, not a list, so a later "Ports:80" is one more entry.
        var earlier = Earlier("Ports:22", "Ports:25");
        ReplacedLists.Drop(earlier, Lists(), ["Ports:80"]);
        Assert.Equal(2, earlier.Count);
    }
}
