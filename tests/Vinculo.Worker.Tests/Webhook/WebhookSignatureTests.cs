using System.Text;
using static Vinculo.Webhook.WebhookKit;

namespace Vinculo.Webhook;

/// <summary>The signature Meta puts on every POST, against the fixtures README's vectors.</summary>
public sealed class WebhookSignatureTests
{
    [Theory]
    [MemberData(nameof(FixtureNames), MemberType = typeof(WebhookKit))]
    public void EachFixtureAsCommitted_SignsToTheReadmesValue(string fixture)
    {
        var body = FixtureBytes(fixture);

        Assert.Equal(Signed[fixture], WebhookSignature.Sign(body, AppSecret));
        Assert.True(WebhookSignature.Matches(body, WebhookSignature.ParseHeader(Signed[fixture])!, AppSecret));
    }

    [Theory]
    [MemberData(nameof(FixtureNames), MemberType = typeof(WebhookKit))]
    public void AnyChangedByte_OrAnotherSecret_DoesNotMatch(string fixture)
    {
        var body = FixtureBytes(fixture);
        var claimed = WebhookSignature.ParseHeader(Signed[fixture])!;
        // Re-serialised JSON (the escapes Meta signs turned into UTF-8) is not what was signed.
        var unescaped = Encoding.UTF8.GetBytes(System.Text.Json.Nodes.JsonNode.Parse(body)!.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = true,
        }));

        Assert.False(WebhookSignature.Matches(body, claimed, AppSecret + "x"));
        Assert.False(WebhookSignature.Matches(body.AsSpan(0, body.Length - 1), claimed, AppSecret));
        Assert.False(WebhookSignature.Matches(unescaped, claimed, AppSecret));
        for (var i = 0; i < body.Length; i += 97)
        {
            var changed = (byte[])body.Clone();
            changed[i] ^= 0x01;
            Assert.False(WebhookSignature.Matches(changed, claimed, AppSecret));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0c0d5336be6aeec70098ef8de8c9a4f127e7f5b569f4d667da9307b0c4932102")]
    [InlineData("sha1=0c0d5336be6aeec70098ef8de8c9a4f127e7f5b5")]
    [InlineData("sha256=0c0d5336be6aeec70098ef8de8c9a4f127e7f5b569f4d667da9307b0c49321")]
    [InlineData("sha256=0c0d5336be6aeec70098ef8de8c9a4f127e7f5b569f4d667da9307b0c4932102ff")]
    [InlineData("sha256=zc0d5336be6aeec70098ef8de8c9a4f127e7f5b569f4d667da9307b0c4932102")]
    [InlineData("SHA256=0c0d5336be6aeec70098ef8de8c9a4f127e7f5b569f4d667da9307b0c4932102")]
    [InlineData(" sha256=0c0d5336be6aeec70098ef8de8c9a4f127e7f5b569f4d667da9307b0c4932102")]
    public void MalformedHeaders_AreRefusedBeforeAnyComparison(string? header) => Assert.Null(WebhookSignature.ParseHeader(header));

    [Fact]
    public void VerifyToken_MatchesOnlyItself()
    {
        Assert.True(WebhookSignature.SameSecret(VerifyToken, VerifyToken));
        Assert.False(WebhookSignature.SameSecret(VerifyToken + " ", VerifyToken));
        Assert.False(WebhookSignature.SameSecret(VerifyToken.ToUpperInvariant(), VerifyToken));
        Assert.False(WebhookSignature.SameSecret("", VerifyToken));
        Assert.False(WebhookSignature.SameSecret(null, VerifyToken));
    }
}
