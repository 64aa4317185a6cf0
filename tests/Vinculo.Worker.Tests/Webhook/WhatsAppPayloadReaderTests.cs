using System.Text;
using CsCheck;
using Vinculo.Consent;
using static Vinculo.Webhook.WebhookKit;

namespace Vinculo.Webhook;

/// <summary>The reader of webhook bodies on its own: shapes Meta sends besides the fixtures, and bodies it never sends.</summary>
public sealed class WhatsAppPayloadReaderTests
{
    private static string Change(string field, string value) =>
        $$"""{"object":"whatsapp_business_account","entry":[{"id":"248613579024681","changes":[{"value":{{value}},"field":"{{field}}"}]}]}""";

    private static string Message(string type, string content, string from = "5521998765432") =>
        Change("messages", $$"""{"messaging_product":"whatsapp","messages":[{"from":"{{from}}","id":"wamid.X1","timestamp":"1795176764","type":"{{type}}"{{content}}}]}""");

    [Fact]
    public void Placeholders_NeverReadAsAnOptOutOrOptIn()
    {
        var classifier = new InboundIntentClassifier();

        Assert.NotEmpty(WhatsAppPayloadReader.Placeholders);
        Assert.All(WhatsAppPayloadReader.Placeholders, body => Assert.Equal(InboundIntentKind.Interaction, classifier.Classify(body).Kind));
    }

    [Theory]
    [InlineData("image", ""","image":{"id":"1","mime_type":"image/jpeg","caption":"Sair"}""", "[image]")]
    [InlineData("audio", ""","audio":{"id":"1","voice":true}""", "[audio]")]
    [InlineData("sticker", ""","sticker":{"id":"1"}""", "[sticker]")]
    [InlineData("reaction", ""","reaction":{"message_id":"wamid.Y","emoji":"👍"}""", "[reaction]")]
    [InlineData("stop", ""","stop":{"text":"sair"}""", "[other]")]
    [InlineData("interactive", ""","interactive":{"type":"button_reply","button_reply":{"id":"b1","title":"Parar"}}""", "Parar")]
    [InlineData("interactive", ""","interactive":{"type":"list_reply","list_reply":{"id":"l1","title":"Tamanho 42","description":"x"}}""", "Tamanho 42")]
    [InlineData("interactive", ""","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{}"}}""", "[interactive]")]
    [InlineData("button", ""","button":{"payload":"STOP_PROMOS","text":"Parar promoções"}""", "Parar promoções")]
    [InlineData("text", ""","text":{"body":""}""", "[text]")]
    public void MessageBody_IsWhatThePersonWroteOrTapped_ElseAPlaceholder(string type, string content, string body)
    {
        var payload = WhatsAppPayloadReader.Read(Message(type, content), Now);

        var message = Assert.Single(payload.Messages);
        Assert.Equal(body, message.Body);
        Assert.Equal(type, message.Kind);
        Assert.Equal(Unix(1795176764), message.ReceivedAt);
    }

    [Fact]
    public void UnknownStatusesAndPreferenceValues_AreSkipped_AndOtherFieldsIgnored()
    {
        var statuses = WhatsAppPayloadReader.Read(Change("messages", """{"statuses":[{"id":"wamid.A","status":"deleted","timestamp":"1"},{"id":"wamid.A","status":"read","timestamp":"2"}]}"""), Now);
        var signup = WhatsAppPayloadReader.Read(Change("user_preferences", """{"user_preferences":[{"wa_id":"5511","category":"marketing_messages","value":"signup","signup_id":"9","timestamp":1}]}"""), Now);
        var capability = WhatsAppPayloadReader.Read(Change("business_capability_update", """{"max_daily_conversation_per_phone":1000}"""), Now);

        Assert.Equal("read", Assert.Single(statuses.Statuses).Status);
        Assert.Equal(1, statuses.Skipped);
        Assert.Empty(signup.Preferences);
        Assert.Equal(1, signup.Skipped);
        Assert.Equal(["business_capability_update"], capability.IgnoredFields);
        Assert.True(capability.OnlyIgnoredFields);
        Assert.Null(capability.Unparseable);
    }

    [Fact]
    public void SenderSignals_AreReadInTheShapesOfMetasReference_OldAndNew()
    {
        static string Entry(string field, string value) =>
            $$"""{"object":"whatsapp_business_account","entry":[{"id":"248613579024681","time":1795007820,"changes":[{"value":{{value}},"field":"{{field}}"}]}]}""";

        var older = Assert.Single(WhatsAppPayloadReader.Read(Entry("phone_number_quality_update", """{"display_phone_number":"5511940001234","event":"DOWNGRADE","old_limit":"TIER_1K","current_limit":"TIER_250"}"""), Now).Signals);
        var newer = Assert.Single(WhatsAppPayloadReader.Read(Entry("phone_number_quality_update", """{"display_phone_number":"5511940001234","event":"THROUGHPUT_UPGRADE","current_limit":"TIER_2K","max_daily_conversations_per_business":"TIER_10K"}"""), Now).Signals);
        var paused = Assert.Single(WhatsAppPayloadReader.Read(Entry("message_template_status_update", """{"event":"PAUSED","message_template_id":1689556908129832,"message_template_name":"novidade_produto","message_template_language":"pt_BR","reason":"NONE","message_template_category":"MARKETING","other_info":{"title":"SECOND_PAUSE","description":"Paused for 6 hours."}}"""), Now).Signals);
        var quality = Assert.Single(WhatsAppPayloadReader.Read(Entry("message_template_quality_update", """{"previous_quality_score":"YELLOW","new_quality_score":"RED","message_template_id":806312974732579,"message_template_name":"novidade_produto","message_template_language":"pt_BR"}"""), Now).Signals);
        var restricted = Assert.Single(WhatsAppPayloadReader.Read(Entry("account_update", """{"event":"ACCOUNT_RESTRICTION","restriction_info":[{"restriction_type":"RESTRICTED_BIZ_INITIATED_MESSAGING","expiration":1795600000},{"restriction_type":"RESTRICTED_ADD_PHONE_NUMBER_ACTION"}]}"""), Now).Signals);
        var disabled = Assert.Single(WhatsAppPayloadReader.Read(Entry("account_update", """{"event":"DISABLED_UPDATE","ban_info":{"waba_ban_state":"REINSTATE","waba_ban_date":"November 18, 2026"}}"""), Now).Signals);

        Assert.Equal(("DOWNGRADE", "TIER_250", "old limit TIER_1K", Unix(1795007820)), (older.Event, older.Tier, older.Reason, older.OccurredAt));
        Assert.Equal(("THROUGHPUT_UPGRADE", "TIER_10K"), (newer.Event, newer.Tier));
        Assert.Equal(("PAUSED", "novidade_produto", "pt_BR", "SECOND_PAUSE; Paused for 6 hours."), (paused.Event, paused.TemplateName, paused.TemplateLanguage, paused.Reason));
        Assert.Equal(("RED", "previous YELLOW"), (quality.Event, quality.Reason));
        Assert.Equal("RESTRICTED_BIZ_INITIATED_MESSAGING until 2026/11/25 09:46 UTC; RESTRICTED_ADD_PHONE_NUMBER_ACTION", restricted.Reason);
        Assert.Equal(("DISABLED_UPDATE", "REINSTATE", "ban date November 18, 2026"), (disabled.Event, disabled.BanState, disabled.Reason));
    }

    [Fact]
    public void TheSameSignal_InAnotherBody_HasTheSameKey_AndAnotherSignalAnother()
    {
        const string Change = """{"changes":[{"value":{"event":"FLAGGED","current_limit":"TIER_250"},"field":"phone_number_quality_update"}],"id":"248613579024681","time":1795007820}""";
        var alone = WhatsAppPayloadReader.Read($$"""{"object":"whatsapp_business_account","entry":[{{Change}}]}""", Now);
        var withAnother = WhatsAppPayloadReader.Read(
            $$"""{"object":"whatsapp_business_account","entry":[{{Change}},{"changes":[{"value":{"event":"UNFLAGGED","current_limit":"TIER_250"},"field":"phone_number_quality_update"}],"id":"248613579024681","time":1795011420}]}""",
            Now);

        Assert.Equal(Assert.Single(alone.Signals).EventKey, withAnother.Signals[0].EventKey);
        Assert.NotEqual(withAnother.Signals[0].EventKey, withAnother.Signals[1].EventKey);
        Assert.False(withAnother.OnlyIgnoredFields);
    }

    [Fact]
    public void WithheldNumbers_AndUnusableTimestamps_AreTakenAsAbsent()
    {
        var payload = WhatsAppPayloadReader.Read(Change("messages", """
            {"contacts":[{"profile":{"name":"Bia"},"wa_id":"","user_id":"BR.9081726354019283"}],
             "messages":[{"from":"","id":"wamid.B","timestamp":"17951766340000000","type":"text","text":{"body":"Oi\u0000"}}],
             "statuses":[{"id":"wamid.C","status":"failed","timestamp":-5,"recipient_id":"","errors":[{"code":"131026","message":"Message undeliverable"}]}]}
            """), Now);

        var message = Assert.Single(payload.Messages);
        Assert.Null(message.FromPhone);
        Assert.Equal("BR.9081726354019283", message.WaUserId);
        Assert.Equal(Now, message.ReceivedAt);
        Assert.Equal("Oi\uFFFD", message.Body);
        var status = Assert.Single(payload.Statuses);
        Assert.Null(status.RecipientId);
        Assert.Equal(Now, status.OccurredAt);
        Assert.Equal(131026, status.ErrorCode);
        Assert.Equal("Message undeliverable", status.ErrorTitle);
    }

    [Fact]
    public void IdsLongerThanTheirColumns_AreSkipped_NotLeftToFailTheInsert()
    {
        var id = "wamid." + new string('A', 300);

        var payload = WhatsAppPayloadReader.Read(Message("text", ""","text":{"body":"x"}""").Replace("wamid.X1", id, StringComparison.Ordinal), Now);

        Assert.Empty(payload.Messages);
        Assert.Equal(1, payload.Skipped);
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("not json at all", "not JSON")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[", "not JSON")]
    [InlineData("[]", "not an object but an array")]
    [InlineData("\"text\"", "not an object but a string")]
    [InlineData("{}", "no object field")]
    [InlineData("{\"object\":\"page\",\"entry\":[]}", "object is not whatsapp_business_account")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":{}}", "no entry array")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"\\ud800\"}]}}]}]}", "a string is not valid text")]
    public void BodiesThatAreNotWhatsAppWebhooks_AreUnparseable_WithAReasonThatQuotesNothing(string body, string reason)
    {
        var payload = WhatsAppPayloadReader.Read(body, Now);

        Assert.NotNull(payload.Unparseable);
        Assert.StartsWith(reason, payload.Unparseable, StringComparison.Ordinal);
        Assert.Empty(payload.Messages);
    }

    [Fact]
    public void DeeplyNestedJson_IsUnparseable()
    {
        var body = new string('[', 10_000) + new string(']', 10_000);

        Assert.StartsWith("not JSON", WhatsAppPayloadReader.Read(body, Now).Unparseable, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedFixtures_NeverThrow_AndWhatTheyYieldIsStorable()
    {
        var fixtures = Signed.Keys.Select(name => Encoding.UTF8.GetString(FixtureBytes(name))).ToList();
        Gen.Select(Gen.Int[0, fixtures.Count - 1], Gen.Int[0, 4000], Gen.Int[0, 4000], Gen.String)
            .Sample(
                (which, cut, at, noise) =>
                {
                    var text = fixtures[which];
                    var payload = WhatsAppPayloadReader.Read(text[..Math.Min(cut, text.Length)] + noise + text[Math.Min(at, text.Length)..], Now);

                    Assert.All(payload.Messages, m => Assert.True(m.ProviderMessageId.Length is > 0 and <= 200 && m.Body.Length > 0 && !m.Body.Contains('\0', StringComparison.Ordinal)));
                    Assert.All(payload.Statuses, s => Assert.Contains(s.Status, new[] { "sent", "delivered", "read", "failed" }));
                    Assert.All(payload.Preferences, p => Assert.Contains(p.Value, new[] { "stop", "resume" }));
                },
                iter: 5_000);
    }
}
