using System.Reflection;
using System.Runtime.CompilerServices;

namespace LogSentinel.Parsing;

/// <summary>
/// Compiles the parser's methods ahead of their first call. A one-shot `parse` is over in a few hundred
/// milliseconds, a good part of which would otherwise be the JIT compiling the hot path on the thread that
/// needs it; called from a thread that is idle anyway (the output writer before its first batch), the
/// compilation overlaps with parsing on the other core.
/// </summary>
public static class Warmup
{
    public static void CompileParser()
    {
        foreach (var type in typeof(LogParser).Assembly.GetTypes())
        {
            if (type.ContainsGenericParameters)
                continue;
            foreach (var method in type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic
                                                   | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null)
                    continue;
                try
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or BadImageFormatException)
                {
                    // A method the runtime cannot prepare ahead is simply compiled on first call.
                }
            }
        }
    }
}
