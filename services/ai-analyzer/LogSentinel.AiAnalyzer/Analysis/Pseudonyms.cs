using System.Security.Cryptography;
using System.Text;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// User names as keyed HMAC-SHA256 pseudonyms ("user-" and 12 hex digits): the same name gives the same pseudonym
/// for as long as the key stays, so a model can still see that one account is targeted across windows, and no one
/// without the key can tell which account it is. Each request keeps its own table to translate the answer back.
/// </summary>
public sealed class Pseudonyms(string key)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    public string Of(string username)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(username), hash);
        return "user-" + Convert.ToHexStringLower(hash[..6]);
    }
}
