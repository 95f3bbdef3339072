package dev.modelfn.cdk;

import java.util.Locale;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IVersion;
import software.amazon.awscdk.services.lambda.Version;
import software.amazon.awscdk.services.lambda.VersionAttributes;
import software.amazon.awscdk.triggers.InvocationType;
import software.amazon.awscdk.triggers.Trigger;
import software.constructs.Construct;

/**
 * Blue-green release by alias swap: aliases {@code blue} and {@code green}, each on a version, and
 * {@code live} on the active colour's version. A colour pinned to a published version number keeps
 * it; an unpinned colour takes the version this deployment publishes. Switching is one context
 * value ({@code -c activeColor=green}), and so is the rollback ({@code -c activeColor=blue}). Before
 * {@code live} moves, a trigger replays the golden requests against the colour about to go live and
 * fails the deployment (so CloudFormation rolls back) on a mismatch.
 */
public final class BlueGreenAlias extends Construct {
  /** The two colours. */
  public enum Color {
    BLUE,
    GREEN;

    /** {@code blue} or {@code green}. */
    public String alias() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Color parse(String s) {
      return switch (Objects.requireNonNullElse(s, "blue").toLowerCase(Locale.ROOT)) {
        case "blue" -> BLUE;
        case "green" -> GREEN;
        default -> throw new IllegalArgumentException("activeColor: expected blue or green, got '" + s + "'");
      };
    }
  }

  private final Alias blue;
  private final Alias green;
  private final Color active;
  private final IVersion activeVersion;
  private final Function validation;
  private final Trigger validationTrigger;

  BlueGreenAlias(Construct scope, String id, ModelEndpoint endpoint, Props props) {
    super(scope, id);
    Function fn = endpoint.function();
    IVersion blueVersion = version(fn, "BlueVersion", props.blueVersion);
    IVersion greenVersion = version(fn, "GreenVersion", props.greenVersion);
    this.blue = Alias.Builder.create(this, "Blue").aliasName(Color.BLUE.alias()).version(blueVersion).build();
    this.green = Alias.Builder.create(this, "Green").aliasName(Color.GREEN.alias()).version(greenVersion).build();
    this.active = props.active;
    this.activeVersion = active == Color.BLUE ? blueVersion : greenVersion;
    if (props.validate) {
      this.validation = GoldenReplay.create(this, "Validation", endpoint.modelPackage(), activeVersion,
          "pre-switch validation");
      this.validationTrigger = Trigger.Builder.create(this, "ValidationTrigger").handler(validation)
          .invocationType(InvocationType.REQUEST_RESPONSE).timeout(Duration.minutes(5))
          .executeOnHandlerChange(true).build();
    } else {
      this.validation = null;
      this.validationTrigger = null;
    }
  }

  private IVersion version(Function fn, String id, String pinned) {
    if (pinned == null || pinned.isBlank()) {
      return fn.getCurrentVersion();
    }
    if (!pinned.matches("[1-9][0-9]{0,9}")) {
      throw new IllegalArgumentException(id + ": expected a published version number such as 7, got '" + pinned
          + "'");
    }
    return Version.fromVersionAttributes(this, id, VersionAttributes.builder().lambda(fn).version(pinned).build());
  }

  /** A {@link Release} that puts {@code live} on the active colour. */
  public static Release release(Props props) {
    Objects.requireNonNull(props, "props");
    return new Release() {
      private BlueGreenAlias aliases;

      @Override
      public IVersion liveVersion(ModelEndpoint endpoint) {
        aliases = new BlueGreenAlias(endpoint, "BlueGreen", endpoint, props);
        return aliases.activeVersion;
      }

      @Override
      public void attach(ModelEndpoint endpoint) {
        if (aliases.validationTrigger != null) {
          aliases.validationTrigger.executeBefore(endpoint.live());
        }
      }
    };
  }

  public Alias blue() {
    return blue;
  }

  public Alias green() {
    return green;
  }

  public Color active() {
    return active;
  }

  /** The golden-request replay that runs before {@code live} moves, or null when turned off. */
  public Function validation() {
    return validation;
  }

  /** The blue-green settings. */
  public static final class Props {
    private Color active = Color.BLUE;
    private String blueVersion;
    private String greenVersion;
    private boolean validate = true;

    public static Props defaults() {
      return new Props();
    }

    /** The colour {@code live} points at: {@code blue} (default) or {@code green}. */
    public Props activeColor(String v) {
      this.active = Color.parse(v);
      return this;
    }

    /** Pins blue to a published version number; null: the version this deployment publishes. */
    public Props blueVersion(String v) {
      this.blueVersion = v;
      return this;
    }

    /** Pins green to a published version number; null: the version this deployment publishes. */
    public Props greenVersion(String v) {
      this.greenVersion = v;
      return this;
    }

    /** Replay the golden requests before switching (default true). */
    public Props validate(boolean v) {
      this.validate = v;
      return this;
    }
  }
}
