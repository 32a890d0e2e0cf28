namespace LogSentinel.Parsing.Messages;

/// <summary>The drafts one line produced; reused from line to line.</summary>
internal sealed class DraftBuffer
{
    private EventDraft[] _items = new EventDraft[4];

    public int Count { get; private set; }

    public ref EventDraft this[int index] => ref _items[index];

    public ref EventDraft Add(string action, string outcome)
    {
        if (Count == _items.Length)
            Array.Resize(ref _items, _items.Length * 2);
        ref var d = ref _items[Count++];
        d = EventDraft.Create(action, outcome);
        return ref d;
    }

    public void Clear() => Count = 0;
}
