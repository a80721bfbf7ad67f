package org.unionfs.api.spi;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Docker's size conventions (go-units): binary sizes in options, decimal sizes in status. */
public final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(?i)^\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(?:i?b)?\\s*$");
  private static final String[] DECIMAL_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private Sizes() {}

  /** go-units {@code RAMInBytes}: "50M" is 50 MiB, "1.5g" is 1.5 GiB, "1024" is bytes. */
  public static long parseRamBytes(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size \"" + text + "\"");
    }
    double number = Double.parseDouble(m.group(1));
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "" -> 0;
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 50;
    };
    double bytes = number * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("size \"" + text + "\" is too large");
    }
    return (long) bytes;
  }

  /** go-units {@code HumanSize}: 65536 is "65.54kB", 10 GiB is "10.74GB" ({@code %.4g}, decimal, no space). */
  public static String humanSize(double bytes) {
    int unit = 0;
    while (bytes >= 1000 && unit < DECIMAL_UNITS.length - 1) {
      bytes /= 1000;
      unit++;
    }
    return formatG4(bytes) + DECIMAL_UNITS[unit];
  }

  /** Go's {@code %.4g}: four significant digits, trailing zeros dropped. */
  static String formatG4(double v) {
    if (v == 0) {
      return "0";
    }
    java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(4));
    String s = d.stripTrailingZeros().toPlainString();
    return s;
  }
}
