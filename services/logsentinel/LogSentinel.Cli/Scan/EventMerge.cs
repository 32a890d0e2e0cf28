using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;

namespace LogSentinel.Cli.Scan;

/// <summary>
/// Several logs read side by side become one stream in event-time order (the detector's <see cref="EventOrder"/>):
/// a k-way merge of sources that are each in time order, so an attack seen in auth.log and mail.log is evaluated in
/// the order it happened, as `rules test` evaluates it, without holding any log in memory.
/// </summary>
internal static class EventMerge
{
    public static IEnumerable<List<SecurityEvent>> Merge(IReadOnlyList<IEnumerable<List<SecurityEvent>>> sources, int chunkSize)
    {
        if (sources.Count == 1)
        {
            foreach (var chunk in sources[0])
                yield return chunk;
            yield break;
        }
        var cursors = new List<IEnumerator<SecurityEvent>>();
        var heads = new PriorityQueue<int, SecurityEvent>(EventOrder.Instance);
        try
        {
            foreach (var source in sources)
            {
                var cursor = source.SelectMany(c => c).GetEnumerator();
                cursors.Add(cursor);
                if (cursor.MoveNext())
                    heads.Enqueue(cursors.Count - 1, cursor.Current);
            }
            var output = new List<SecurityEvent>(chunkSize);
            while (heads.TryDequeue(out var index, out var e))
            {
                output.Add(e);
                if (output.Count == chunkSize)
                {
                    yield return output;
                    output = new List<SecurityEvent>(chunkSize);
                }
                if (cursors[index].MoveNext())
                    heads.Enqueue(index, cursors[index].Current);
            }
            if (output.Count > 0)
                yield return output;
        }
        finally
        {
            foreach (var cursor in cursors)
                cursor.Dispose();
        }
    }
}
